using System.Diagnostics;
using System.Text.Json;

namespace Microsoft.ML.Blip2.Tests.Transforms;

/// <summary>
/// Save in this process, load in a new one that has only the zip: the test assembly is started again with a filter
/// selecting <see cref="FreshProcessChild"/>, which loads the zip and writes its outputs to a file.
/// </summary>
[TestClass]
public sealed class FreshProcessTests
{
    private const string FolderVariable = "BLIP2_FRESH_PROCESS_FOLDER";

    [TestMethod]
    public void SavedPipeline_LoadsInAFreshProcess_WithIdenticalOutputs()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImagePathRow.ImagePath))
            .Append(ml.Transforms.Blip2Caption(PersistenceTests.DetailedCaptioning(Blip2TestModels.Opt, "Image")));
        var model = pipeline.Fit(data);
        using var captioner = model.LastTransformer;
        var expected = PersistenceTests.ReadDetails(ml, model.Transform(data));
        string folder = Blip2TestModels.NewFolder("fresh-process");
        ml.Model.Save(model, data.Schema, Path.Combine(folder, "model.zip"));
        File.WriteAllText(Path.Combine(folder, "images.json"), JsonSerializer.Serialize(Blip2TestModels.Images));

        // The test host is either the test app itself (apphost) or `dotnet <assembly>`.
        string host = Environment.ProcessPath!;
        string filter = $"FullyQualifiedName~{nameof(FreshProcessTests)}.{nameof(FreshProcessChild)}";
        string[] arguments = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? [typeof(FreshProcessTests).Assembly.Location, "--filter", filter]
            : ["--filter", filter];
        var start = new ProcessStartInfo(host, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.Environment[FolderVariable] = folder;
        using var child = Process.Start(start)!;
        string stdout = child.StandardOutput.ReadToEndAsync().Result;
        string stderr = child.StandardError.ReadToEndAsync().Result;
        Assert.IsTrue(child.WaitForExit(TimeSpan.FromMinutes(3)), "The child process did not finish.");
        string outputs = Path.Combine(folder, "outputs.json");
        Assert.IsTrue(File.Exists(outputs), $"The child wrote no outputs (exit code {child.ExitCode}).\n{stdout}\n{stderr}");

        var actual = JsonSerializer.Deserialize<GeneratedDetailsRow[]>(File.ReadAllText(outputs))!;
        PersistenceTests.AssertSameDetails(expected, actual);
    }

    /// <summary>The child's side; only meaningful when started by the test above.</summary>
    [TestMethod]
    [TestCategory("Slow")]
    public void FreshProcessChild()
    {
        string? folder = Environment.GetEnvironmentVariable(FolderVariable);
        if (folder is null)
            Assert.Inconclusive($"Runs only as the child process of {nameof(SavedPipeline_LoadsInAFreshProcess_WithIdenticalOutputs)}.");

        var ml = new MLContext().UseBlip2();
        var model = ml.Model.Load(Path.Combine(folder, "model.zip"), out _);
        var images = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(folder, "images.json")))!;
        var rows = PersistenceTests.ReadDetails(ml, model.Transform(ml.Data.LoadFromEnumerable(images.Select(p => new ImagePathRow { ImagePath = p }))));
        ((IDisposable)model).Dispose();
        File.WriteAllText(Path.Combine(folder, "outputs.json"), JsonSerializer.Serialize(rows));
    }
}
