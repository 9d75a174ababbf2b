using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Tests.Transforms;

/// <summary>
/// Complete BLIP-2 model directories for the ML.NET tests, assembled once per test run in a temporary folder: the golden
/// tiny models plus a tokenizer and a <c>preprocessor_config.json</c> resized to the tiny vision models' 30×30 input.
/// </summary>
internal static class Blip2TestModels
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "blip2-mlnet-tests-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
    private static readonly Lazy<string> OptDirectory = new(() => Assemble("opt", "opt/model", "processor_opt/processor"));
    private static readonly Lazy<string> OptImageTokensDirectory = new(() => Assemble("opt_image_tokens", "opt_image_tokens/model", "processor_opt/processor"));
    private static readonly Lazy<string> T5Directory = new(() => Assemble("t5", "t5/model", "tokenizer_t5/tokenizer"));
    private static readonly Lazy<string> ItmDirectory = new(() => Assemble("itm", "itm/model", tokenizerFolder: null, TinyBertTokenizer));

    static Blip2TestModels()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
    }

    /// <summary>Words of the tiny WordPiece vocabulary used for image–text matching (ids stay below the Q-Former's 99).</summary>
    public static readonly string[] TinyBertWords = ["a", "the", "cat", "dog", "on", "sofa", "red", "car", "photo", "of", "green", "tree"];

    /// <summary>Legacy-style OPT captioning model (<c>image_token_index</c> null).</summary>
    public static string Opt => OptDirectory.Value;

    /// <summary>The same OPT weights with <c>image_token_index</c> = 98.</summary>
    public static string OptImageTokens => OptImageTokensDirectory.Value;

    /// <summary>Flan-T5-style captioning model.</summary>
    public static string T5 => T5Directory.Value;

    /// <summary>Image–text retrieval model.</summary>
    public static string Itm => ItmDirectory.Value;

    /// <summary>The golden test images (RGB JPEG, RGBA PNG, grayscale PNG).</summary>
    public static IReadOnlyList<string> Images { get; } =
        new[] { "image0.jpg", "image1_rgba.png", "image2_gray.png" }.Select(name => Golden("processor", name)).ToArray();

    /// <summary>A file inside the golden folder; missing golden data fails the test.</summary>
    public static string Golden(params string[] parts)
    {
        string path = Path.Combine([TestPaths.GoldenDirectory, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Fail($"Golden data not found at {path} (set BLIP2_GOLDEN_DIR).");
        return path;
    }

    /// <summary>A fresh, empty folder that is deleted at the end of the test run.</summary>
    public static string NewFolder(string name)
    {
        string path = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A copy of a model directory (to modify or break it).</summary>
    public static string CopyOf(string modelDirectory, string name)
    {
        string copy = NewFolder(name);
        foreach (string file in Directory.EnumerateFiles(modelDirectory))
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    private static string Assemble(string name, string modelFolder, string? tokenizerFolder, Action<string>? writeTokenizer = null)
    {
        string directory = NewFolder(name);
        foreach (string file in Directory.EnumerateFiles(Golden(modelFolder)))
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        if (tokenizerFolder is not null)
        {
            foreach (string file in Directory.EnumerateFiles(Golden(tokenizerFolder)).Where(f => !Path.GetFileName(f).Contains("processor")))
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }

        writeTokenizer?.Invoke(directory);
        var preprocessor = JsonNode.Parse(File.ReadAllText(Golden("processor", "processor", "preprocessor_config.json")))!.AsObject();
        preprocessor["size"] = new JsonObject { ["height"] = 30, ["width"] = 30 };
        File.WriteAllText(Path.Combine(directory, "preprocessor_config.json"), preprocessor.ToJsonString());
        return directory;
    }

    private static void TinyBertTokenizer(string directory)
    {
        File.WriteAllLines(Path.Combine(directory, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. TinyBertWords]);
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """
            {"tokenizer_class": "BertTokenizer", "do_lower_case": true, "model_max_length": 64,
             "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]"}
            """);
    }
}
