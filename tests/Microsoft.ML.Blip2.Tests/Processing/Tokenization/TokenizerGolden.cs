using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>
/// Compares the tokenizers with a golden <c>tokenizer_*</c> case written by Hugging Face transformers: every string and
/// id of one section of <c>expected.json</c> must match exactly.
/// </summary>
public static class TokenizerGolden
{
    /// <summary>
    /// The sections of a case's expected.json: its top-level keys, except that T5's <c>legacy_true</c>/<c>legacy_false</c>
    /// are split into <c>legacy_true.single</c>, <c>legacy_true.truncated</c>, ...
    /// </summary>
    /// <param name="caseDir">Folder of the golden case.</param>
    public static IReadOnlyList<string> Sections(string caseDir)
    {
        JsonObject expected = ReadExpected(caseDir);
        var sections = new List<string>();
        foreach ((string key, JsonNode? value) in expected)
        {
            if (key.StartsWith("legacy_", StringComparison.Ordinal) && value is JsonObject nested)
            {
                sections.AddRange(nested.Select(kv => $"{key}.{kv.Key}"));
            }
            else
            {
                sections.Add(key);
            }
        }

        return sections;
    }

    /// <summary>Runs one section of a golden tokenizer case; fails with every mismatch listed.</summary>
    /// <param name="caseDir">Folder of the golden case (holds <c>tokenizer/</c> and <c>expected.json</c>).</param>
    /// <param name="section">A name from <see cref="Sections(string)"/>.</param>
    public static void RunSection(string caseDir, string section)
    {
        JsonObject expected = ReadExpected(caseDir);
        string[] path = section.Split('.', 2);
        JsonNode data = expected[path[0]] ?? throw new ArgumentException($"Section '{path[0]}' is not in {caseDir}/expected.json.", nameof(section));
        string kind = path[0];
        bool? legacy = null;
        if (path.Length == 2)
        {
            legacy = path[0] switch
            {
                "legacy_true" => true,
                "legacy_false" => false,
                _ => throw new ArgumentException($"Unknown nested section '{section}'.", nameof(section)),
            };
            kind = path[1];
            data = data[path[1]] ?? throw new ArgumentException($"Section '{section}' is not in {caseDir}/expected.json.", nameof(section));
        }

        Blip2Tokenizer tokenizer = Load(caseDir, legacy);
        var check = new Mismatches(section);
        switch (kind)
        {
            case "single":
                foreach (JsonNode? record in data.AsArray())
                {
                    CheckRecord(tokenizer, record!.AsObject(), new TokenizerCallOptions(), check);
                }

                break;
            case "long_untruncated":
            case "truncated":
                CheckRecord(tokenizer, data.AsObject(), CallOptions(data["call"]?.GetValue<string>()), check);
                break;
            case "batch_padded":
            case "batch_max_length":
                CheckBatch(tokenizer, data.AsObject(), check);
                break;
            case "pair":
                CheckPair(tokenizer, data.AsObject(), check);
                break;
            case "partial_utf8":
                foreach (JsonNode? record in data.AsArray())
                {
                    List<int> ids = Ints(record!["input_ids"]);
                    check.Equal(record["decode"]!.GetValue<string>(), tokenizer.Decode(ids), $"decode([{string.Join(",", ids)}])");
                }

                break;
            case "sp_pieces":
                check.Sequence(Strings(data), ((T5Tokenizer)tokenizer).Pieces.Select(p => p.Piece).ToList(), "sentencepiece pieces");
                break;
            case "sp_scores":
                check.Sequence(data.AsArray().Select(s => (float)s!.GetValue<double>()).ToList(),
                    ((T5Tokenizer)tokenizer).Pieces.Select(p => p.Score).ToList(), "sentencepiece scores");
                break;
            default:
                throw new ArgumentException($"No comparison is defined for section '{section}' of {caseDir}.", nameof(section));
        }

        check.ThrowIfAny();
    }

    private static Blip2Tokenizer Load(string caseDir, bool? legacy)
    {
        string dir = Path.Combine(caseDir, "tokenizer");
        if (legacy is bool value)
        {
            // legacy_true is the saved setting (from_pretrained('tokenizer')); legacy_false passes legacy=False.
            T5Tokenizer t5 = value ? (T5Tokenizer)Blip2Tokenizer.FromPretrained(dir) : T5Tokenizer.FromDirectory(dir, legacy: false);
            Assert.AreEqual(value, t5.Legacy, $"legacy setting of {dir}");
            return t5;
        }

        return Blip2Tokenizer.FromPretrained(dir);
    }

    private static void CheckRecord(Blip2Tokenizer tokenizer, JsonObject record, TokenizerCallOptions options, Mismatches check)
    {
        string text = record["text"]!.GetValue<string>();
        string label = Quote(text);
        check.Sequence(Strings(record["tokens"]), tokenizer.Tokenize(text), $"tokenize({label})");

        TokenizedBatch batch = tokenizer.EncodeBatch([text], options);
        List<int> expectedIds = Ints(record["input_ids"]);
        check.Sequence(expectedIds.Select(i => (long)i).ToList(), batch.InputIds[0], $"input_ids({label})");
        check.Sequence(Longs(record["attention_mask"]), batch.AttentionMask[0], $"attention_mask({label})");
        if (record["token_type_ids"] is JsonNode types)
        {
            check.Sequence(Longs(types), batch.TokenTypeIds?[0] ?? [], $"token_type_ids({label})");
        }

        if (options.Truncation is not true)
        {
            check.Sequence(expectedIds, tokenizer.Encode(text), $"encode({label})");
        }

        check.Equal(record["decode"]!.GetValue<string>(), tokenizer.Decode(expectedIds), $"decode({label})");
        check.Equal(record["decode_skip_special"]!.GetValue<string>(), tokenizer.Decode(expectedIds, skipSpecialTokens: true),
            $"decode({label}, skip_special_tokens=True)");
        check.Equal(record["decode_skip_special_no_cleanup"]!.GetValue<string>(),
            tokenizer.Decode(expectedIds, skipSpecialTokens: true, cleanUpTokenizationSpaces: false),
            $"decode({label}, skip_special_tokens=True, clean_up_tokenization_spaces=False)");
    }

    private static void CheckBatch(Blip2Tokenizer tokenizer, JsonObject record, Mismatches check)
    {
        List<string> texts = Strings(record["texts"]);
        string call = record["call"]!.GetValue<string>();
        TokenizedBatch batch = tokenizer.EncodeBatch(texts, CallOptions(call));
        CheckRows(record, "input_ids", batch.InputIds, call, check);
        CheckRows(record, "attention_mask", batch.AttentionMask, call, check);
        if (record["token_type_ids"] is not null)
        {
            CheckRows(record, "token_type_ids", batch.TokenTypeIds ?? [], call, check);
        }

        List<List<int>> rows = record["input_ids"]!.AsArray().Select(Ints).ToList();
        if (record["batch_decode"] is JsonNode decoded)
        {
            check.Sequence(Strings(decoded), tokenizer.BatchDecode(rows), "batch_decode");
        }

        if (record["batch_decode_skip_special"] is JsonNode skipped)
        {
            check.Sequence(Strings(skipped), tokenizer.BatchDecode(rows, skipSpecialTokens: true), "batch_decode(skip_special_tokens=True)");
        }
    }

    private static void CheckPair(Blip2Tokenizer tokenizer, JsonObject record, Mismatches check)
    {
        string text = record["text"]!.GetValue<string>();
        string pair = record["text_pair"]!.GetValue<string>();
        TokenizedBatch batch = tokenizer.EncodeBatch([text], [pair]);
        string label = $"{Quote(text)}, {Quote(pair)}";
        check.Sequence(Longs(record["input_ids"]), batch.InputIds[0], $"input_ids({label})");
        check.Sequence(Longs(record["attention_mask"]), batch.AttentionMask[0], $"attention_mask({label})");
        check.Sequence(Longs(record["token_type_ids"]), batch.TokenTypeIds?[0] ?? [], $"token_type_ids({label})");
        check.Sequence(Ints(record["input_ids"]), tokenizer.Encode(text, pair), $"encode({label})");
    }

    private static void CheckRows(JsonObject record, string key, long[][] actual, string call, Mismatches check)
    {
        List<List<long>> expected = record[key]!.AsArray().Select(Longs).ToList();
        check.Equal(expected.Count, actual.Length, $"{key} row count of {call}");
        for (int r = 0; r < Math.Min(expected.Count, actual.Length); r++)
        {
            check.Sequence(expected[r], actual[r], $"{key}[{r}] of {call}");
        }
    }

    /// <summary>Options of a recorded Hugging Face call such as <c>tok(texts, padding='max_length', truncation=True, max_length=32)</c>.</summary>
    private static TokenizerCallOptions CallOptions(string? call)
    {
        if (call is null)
        {
            return new TokenizerCallOptions();
        }

        Match maxLength = Regex.Match(call, @"max_length=(\d+)");
        return new TokenizerCallOptions
        {
            Padding = call.Contains("padding='max_length'", StringComparison.Ordinal) ? TokenizerPadding.MaxLength
                : call.Contains("padding=True", StringComparison.Ordinal) ? TokenizerPadding.Longest
                : TokenizerPadding.None,
            Truncation = call.Contains("truncation=True", StringComparison.Ordinal) ? true : null,
            MaxLength = maxLength.Success ? int.Parse(maxLength.Groups[1].Value) : null,
        };
    }

    private static JsonObject ReadExpected(string caseDir)
    {
        string path = Path.Combine(caseDir, "expected.json");
        return JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is empty.");
    }

    private static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    private static List<int> Ints(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<int>()).ToList();

    private static List<long> Longs(JsonNode? node) => node!.AsArray().Select(n => n!.GetValue<long>()).ToList();

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private sealed class Mismatches(string section)
    {
        private readonly List<string> messages = new();

        public void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                messages.Add($"{what}: expected {Show(expected)}, got {Show(actual)}");
            }
        }

        public void Sequence<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, string what)
        {
            if (!expected.SequenceEqual(actual))
            {
                messages.Add($"{what}: expected [{string.Join(", ", expected.Select(Show))}], got [{string.Join(", ", actual.Select(Show))}]");
            }
        }

        public void ThrowIfAny()
        {
            if (messages.Count > 0)
            {
                Assert.Fail($"{messages.Count} mismatch(es) in golden section '{section}':\n" + string.Join("\n", messages.Take(20)));
            }
        }

        private static string Show<T>(T value) => value is string s ? Quote(s) : value?.ToString() ?? "null";
    }
}
