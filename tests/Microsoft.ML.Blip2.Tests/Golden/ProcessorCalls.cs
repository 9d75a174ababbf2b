using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Processing;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>
/// Golden <c>Blip2Processor</c> calls (<c>processor_opt</c>): the recorded Python call is mapped onto
/// <see cref="Blip2Processor"/> (legacy = built without <c>num_query_tokens</c>; new = <c>FromPretrained</c>), and ids,
/// masks, pixel values and decoded texts are compared exactly. Calls recorded with transformers 4.45's batch bug
/// (<c>hf_445_bug</c>) are checked against the fixed result the case also records.
/// </summary>
public static partial class ProcessorCalls
{
    /// <summary>Runs one processor call.</summary>
    public static void Run(GoldenCall call)
    {
        var c = call.Case;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(c.Directory, "expected.json")));
        var expectedAll = doc.RootElement;
        var expected = expectedAll.GetProperty(call.Name);
        string dir = Path.Combine(c.Directory, c.Json.GetProperty("processor_dir").GetString()!.Split(' ')[0]);
        string python = call.Python;
        bool legacy = python.Contains("Blip2Processor(BlipImageProcessor", StringComparison.Ordinal);
        var processor = legacy
            ? new Blip2Processor(Blip2ImageProcessor.FromPreprocessorConfigFile(Path.Combine(dir, "preprocessor_config.json")), Blip2Tokenizer.FromPretrained(dir))
            : Blip2Processor.FromPretrained(dir);

        var decodeMatch = BatchDecodeCall().Match(python);
        if (decodeMatch.Success)
        {
            var source = expectedAll.GetProperty(decodeMatch.Groups["source"].Value).GetProperty("input_ids");
            using var ids = ToTensor(source);
            CollectionAssert.AreEqual(Strings(expected.GetProperty("keep_special")), processor.BatchDecode(ids, skipSpecialTokens: false).ToArray(), "batch_decode");
            CollectionAssert.AreEqual(Strings(expected.GetProperty("skip_special")), processor.BatchDecode(ids, skipSpecialTokens: true).ToArray(), "batch_decode skip_special_tokens");
            return;
        }

        var texts = c.Json.GetProperty("texts");
        IReadOnlyList<string> textList = python.Contains("text=single", StringComparison.Ordinal)
            ? [texts.GetProperty("single").GetString()!]
            : Strings(texts.GetProperty("batch"));
        var imagePaths = c.Json.GetProperty("images").EnumerateObject()
            .Select(p => Path.GetFullPath(Path.Combine(c.Directory, p.Value.GetProperty("file").GetString()!))).ToList();
        bool fixedBatch = python.Contains("proc.tokenizer(batch", StringComparison.Ordinal);
        IReadOnlyList<string>? images = python.Contains("images=images[0]", StringComparison.Ordinal) ? [imagePaths[0]]
            : python.Contains("images=images", StringComparison.Ordinal) || fixedBatch ? imagePaths
            : null;
        var options = new TokenizerCallOptions
        {
            Padding = python.Contains("padding='max_length'", StringComparison.Ordinal) ? TokenizerPadding.MaxLength
                : python.Contains("padding=True", StringComparison.Ordinal) ? TokenizerPadding.Longest : TokenizerPadding.None,
            Truncation = python.Contains("truncation=True", StringComparison.Ordinal) ? true : null,
            MaxLength = MaxLengthArgument().Match(python) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
        };
        using var output = processor.Process(images?.Select(DecodedImage.FromFile).ToList(), textList, options);

        var recorded = expected;
        if (expected.TryGetProperty("hf_445_bug", out _))
        {
            // 4.45 returned only image tokens + the first text; we return every row (the fixed behaviour).
            using var buggyRow = ToTensor(expected.GetProperty("input_ids"));
            TensorAssert.AreEqual(buggyRow, output.InputIds!.narrow(0, 0, 1), $"{c.Name}/{call.Name} first row (same in 4.45 and fixed)");
            expected = expectedAll.GetProperty(call.Name + "_fixed_pr34225");
        }
        using var expectedIds = ToTensor(expected.GetProperty("input_ids"));
        using var expectedMask = ToTensor(expected.GetProperty("attention_mask"));
        TensorAssert.AreEqual(expectedIds, output.InputIds!, $"{c.Name}/{call.Name} input_ids");
        TensorAssert.AreEqual(expectedMask, output.AttentionMask!, $"{c.Name}/{call.Name} attention_mask");

        if (recorded.TryGetProperty("pixel_values", out var pixelNote) && PixelSource().Match(pixelNote.GetString() ?? "") is { Success: true } p)
        {
            using var file = SafetensorsFile.Open(Path.GetFullPath(Path.Combine(c.Directory, p.Groups["file"].Value)));
            using var all = file.LoadTensorCopy(p.Groups["tensor"].Value);
            int from = int.Parse(p.Groups["from"].Value, System.Globalization.CultureInfo.InvariantCulture);
            int to = int.Parse(p.Groups["to"].Value, System.Globalization.CultureInfo.InvariantCulture);
            using var rows = all.narrow(0, from, to - from);
            TensorAssert.AreEqual(rows, output.PixelValues!, $"{c.Name}/{call.Name} pixel_values");
        }
        else if (recorded.TryGetProperty("keys", out var keys))
        {
            bool hasPixels = keys.EnumerateArray().Any(k => k.GetString() == "pixel_values");
            Assert.IsFalse(hasPixels, $"{c.Name}/{call.Name}: pixel_values expected but their source could not be read from expected.json.");
            Assert.IsNull(output.PixelValues, "no images were given, so no pixel_values");
        }
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static Tensor ToTensor(JsonElement rows)
    {
        var parsed = rows.ValueKind == JsonValueKind.String ? JsonDocument.Parse(rows.GetString()!).RootElement : rows;
        var data = parsed.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        return tensor(data.SelectMany(r => r).ToArray(), [data.Length, data[0].Length]);
    }

    [GeneratedRegex(@"proc\.batch_decode\((?<source>[\w.]+?)\.input_ids")]
    private static partial Regex BatchDecodeCall();

    [GeneratedRegex(@"max_length=(\d+)")]
    private static partial Regex MaxLengthArgument();

    [GeneratedRegex(@"to (?<file>\S+?\.safetensors) '(?<tensor>\w+)'\[(?<from>\d+):(?<to>\d+)\]")]
    private static partial Regex PixelSource();
}
