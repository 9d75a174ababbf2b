namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>What a golden case exercises, recognised from the keys of its case.json (never from its folder name).</summary>
public enum GoldenCaseKind
{
    /// <summary>Not recognised: every call reports inconclusive with the reason.</summary>
    Unknown,
    /// <summary>A model directory plus forward / generate calls.</summary>
    Model,
    /// <summary>Training steps on another case's model.</summary>
    Training,
    /// <summary>An HF slow tokenizer and expected.json.</summary>
    Tokenizer,
    /// <summary>BlipImageProcessor on image files.</summary>
    ImageProcessor,
    /// <summary>Blip2Processor (images + texts).</summary>
    Processor,
}

/// <summary>Enumerates golden cases and their calls under <see cref="TestPaths.GoldenDirectory"/>.</summary>
public static class GoldenCatalog
{
    /// <summary>Every case folder (a folder with case.json), sorted by name.</summary>
    public static IReadOnlyList<string> CaseDirectories()
    {
        string root = TestPaths.GoldenDirectory;
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Golden directory '{root}' does not exist (set BLIP2_GOLDEN_DIR).");
        return Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "case.json")))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Classifies a case by the keys its case.json has.</summary>
    public static GoldenCaseKind Classify(GoldenCase c)
    {
        if (c.Has("training")) return GoldenCaseKind.Training;
        if (c.Json.TryGetProperty("files", out var files) && files.TryGetProperty("tokenizer", out _)) return GoldenCaseKind.Tokenizer;
        if (c.Has("processor_settings")) return GoldenCaseKind.ImageProcessor;
        if (c.Has("processor_dir") && c.Has("texts")) return GoldenCaseKind.Processor;
        if (c.Has("models")) return GoldenCaseKind.Model;
        return GoldenCaseKind.Unknown;
    }

    /// <summary>The call ids of a case: <c>calls[].name</c>, or the sections of expected.json for tokenizer cases (legacy variants nested).</summary>
    public static IReadOnlyList<string> CallNames(GoldenCase c)
    {
        if (Classify(c) == GoldenCaseKind.Tokenizer)
            return Processing.TokenizerGolden.Sections(c.Directory);
        return c.Calls.Select(call => call.Name).ToList();
    }

    /// <summary>Every <c>case/call</c> id under the golden directory.</summary>
    public static IEnumerable<string> AllCallIds()
    {
        foreach (string dir in CaseDirectories())
        {
            using var c = GoldenCase.Load(dir);
            var names = CallNames(c);
            if (names.Count == 0)
                yield return $"{c.Name}/<no calls>";
            foreach (string name in names)
                yield return $"{c.Name}/{name}";
        }
    }

    /// <summary>Every <c>case/modelKey</c> of cases that name a model directory.</summary>
    public static IEnumerable<string> AllModelDirectoryIds()
    {
        foreach (string dir in CaseDirectories())
        {
            using var c = GoldenCase.Load(dir);
            foreach (var (key, _) in c.ModelDirectories)
                yield return $"{c.Name}/{key}";
        }
    }

    /// <summary>Splits a <c>case/call</c> id (the call part may itself contain dots, never a slash).</summary>
    public static (string Case, string Call) Split(string id)
    {
        int slash = id.IndexOf('/');
        return (id[..slash], id[(slash + 1)..]);
    }
}
