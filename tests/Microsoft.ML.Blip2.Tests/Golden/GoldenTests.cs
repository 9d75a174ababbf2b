namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>
/// The data-driven golden suite: one test result per <c>case/call</c> of every case folder under the golden directory.
/// A call whose feature is not built reports Inconclusive with the reason; nothing is passed silently.
/// </summary>
[TestClass]
[TestCategory("Golden")]
public sealed class GoldenTests
{
    /// <summary>Rows for <see cref="Call"/>.</summary>
    public static IEnumerable<object[]> Calls => GoldenCatalog.AllCallIds().Select(id => new object[] { id });

    /// <summary>Rows for <see cref="ModelDirectory"/>.</summary>
    public static IEnumerable<object[]> ModelDirectories => GoldenCatalog.AllModelDirectoryIds().Select(id => new object[] { id });

    /// <summary>Runs one golden call through the public API and compares every recorded output.</summary>
    [TestMethod]
    [DynamicData(nameof(Calls))]
    public void Call(string caseAndCall)
    {
        var (caseName, callName) = GoldenCatalog.Split(caseAndCall);
        using var goldenCase = GoldenCase.Load(Path.Combine(TestPaths.GoldenDirectory, caseName));
        GoldenRunner.Run(goldenCase, callName);
    }

    /// <summary>Loads a golden model directory (configs + every weight) and checks it against the files.</summary>
    [TestMethod]
    [DynamicData(nameof(ModelDirectories))]
    public void ModelDirectory(string caseAndModel)
    {
        var (caseName, modelKey) = GoldenCatalog.Split(caseAndModel);
        using var goldenCase = GoldenCase.Load(Path.Combine(TestPaths.GoldenDirectory, caseName));
        GoldenModelDirectoryCheck.Run(goldenCase, modelKey);
    }
}
