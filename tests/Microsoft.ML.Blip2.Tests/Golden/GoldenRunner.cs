using System.Text.Json;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>Routes a golden call to the code that runs it through the public API.</summary>
public static class GoldenRunner
{
    /// <summary>Runs <paramref name="callName"/> of <paramref name="goldenCase"/>; inconclusive for an unrecognised case kind.</summary>
    public static void Run(GoldenCase goldenCase, string callName)
    {
        var kind = GoldenCatalog.Classify(goldenCase);
        switch (kind)
        {
            case GoldenCaseKind.Model:
                ModelCalls.Run(goldenCase.GetCall(callName));
                break;
            case GoldenCaseKind.Training:
                TrainingCalls.Run(goldenCase.GetCall(callName));
                break;
            case GoldenCaseKind.Tokenizer:
                Processing.TokenizerGolden.RunSection(goldenCase.Directory, callName);
                break;
            case GoldenCaseKind.ImageProcessor:
                ImageProcessorCalls.Run(goldenCase.GetCall(callName));
                break;
            case GoldenCaseKind.Processor:
                ProcessorCalls.Run(goldenCase.GetCall(callName));
                break;
            default:
                Assert.Inconclusive($"{goldenCase.Name}/{callName}: case.json has none of the keys that identify a known case kind " +
                    "(training, files.tokenizer, processor_settings, processor_dir+texts, models).");
                break;
        }
    }

    /// <summary>The <c>architectures[0]</c> of a model directory's config.json.</summary>
    public static string Architecture(string modelDirectory)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelDirectory, "config.json")));
        return doc.RootElement.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0
            ? a[0].GetString()!
            : throw new InvalidDataException($"{modelDirectory}/config.json has no architectures[0].");
    }
}
