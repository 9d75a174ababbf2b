using System.Text.Json;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>A byte-level BPE vocabulary (token → id) and its merges in rank order.</summary>
/// <param name="Vocab">Token to id.</param>
/// <param name="Merges">Merge pairs, lowest rank first.</param>
internal sealed record BpeVocabulary(Dictionary<string, int> Vocab, List<(string Left, string Right)> Merges)
{
    /// <summary>vocab.json + merges.txt when present, else tokenizer.json; throws naming the missing file.</summary>
    public static BpeVocabulary Load(string directory)
    {
        string? vocabPath = TokenizerFiles.Optional(directory, TokenizerFiles.BpeVocab);
        if (vocabPath is not null)
        {
            string mergesPath = TokenizerFiles.Require(directory, TokenizerFiles.BpeMerges, "BPE merges next to vocab.json");
            return new BpeVocabulary(ReadVocabJson(vocabPath), ReadMergesTxt(mergesPath));
        }

        string? tokenizerJson = TokenizerFiles.Optional(directory, TokenizerFiles.TokenizerJson);
        if (tokenizerJson is null)
        {
            throw new FileNotFoundException(
                $"Tokenizer file '{TokenizerFiles.BpeVocab}' (with '{TokenizerFiles.BpeMerges}') or '{TokenizerFiles.TokenizerJson}' was not found in '{directory}'.",
                Path.Combine(directory, TokenizerFiles.BpeVocab));
        }

        (Dictionary<string, int> vocab, List<(string, string)> merges) = HuggingFaceTokenizerJson.ReadBpeModel(tokenizerJson);
        return new BpeVocabulary(vocab, merges);
    }

    public static Dictionary<string, int> ReadVocabJson(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a JSON object of token ids: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads merges.txt like GPT2Tokenizer: <c>read().split("\n")[1:-1]</c>, so the first line (the "#version" header)
    /// and the text after the last newline are dropped even when they are not a header / empty.
    /// </summary>
    public static List<(string, string)> ReadMergesTxt(string path)
    {
        string[] lines = File.ReadAllText(path).Split('\n');
        var merges = new List<(string, string)>(Math.Max(0, lines.Length - 2));
        for (int i = 1; i < lines.Length - 1; i++)
        {
            List<string> parts = PythonText.SplitOnWhitespace(lines[i]);
            if (parts.Count == 0)
            {
                continue;
            }

            if (parts.Count != 2)
            {
                throw new InvalidDataException($"Line {i + 1} of {path} is not a merge of two tokens: '{lines[i]}'.");
            }

            merges.Add((parts[0], parts[1]));
        }

        return merges;
    }
}
