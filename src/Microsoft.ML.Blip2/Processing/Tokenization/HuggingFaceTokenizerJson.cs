using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>Reads the parts of a Hugging Face fast-tokenizer <c>tokenizer.json</c> that a slow tokenizer can use.</summary>
internal static class HuggingFaceTokenizerJson
{
    /// <summary>The <c>added_tokens</c> list, by id.</summary>
    public static IEnumerable<(int Id, AddedToken Token)> ReadAddedTokens(string path)
    {
        JsonObject root = TokenizerInitArgs.ReadObject(path);
        if (root["added_tokens"] is not JsonArray list)
        {
            yield break;
        }

        foreach (JsonNode? item in list)
        {
            if (item is not JsonObject entry || entry["id"] is not JsonValue idValue || !idValue.TryGetValue(out int id))
            {
                throw new InvalidDataException($"An added_tokens entry of {path} has no integer 'id': {item?.ToJsonString()}.");
            }

            yield return (id, TokenizerInitArgs.ParseToken(entry, path, special: false)!);
        }
    }

    /// <summary>The BPE <c>model.vocab</c> and <c>model.merges</c> (merges written as "a b" strings or [a, b] pairs).</summary>
    public static (Dictionary<string, int> Vocab, List<(string Left, string Right)> Merges) ReadBpeModel(string path)
    {
        JsonObject root = TokenizerInitArgs.ReadObject(path);
        if (root["model"] is not JsonObject model)
        {
            throw new InvalidDataException($"{path} has no 'model' object.");
        }

        string? type = model["type"]?.GetValue<string>();
        if (type is not null && type != "BPE")
        {
            throw new InvalidDataException($"{path} holds a '{type}' model, not a BPE model.");
        }

        if (model["vocab"] is not JsonObject vocabObject)
        {
            throw new InvalidDataException($"{path} has no 'model.vocab' object.");
        }

        var vocab = new Dictionary<string, int>(vocabObject.Count, StringComparer.Ordinal);
        foreach ((string token, JsonNode? id) in vocabObject)
        {
            vocab[token] = id is JsonValue v && v.TryGetValue(out int value)
                ? value
                : throw new InvalidDataException($"Id of '{token}' in model.vocab of {path} is not an integer.");
        }

        var merges = new List<(string, string)>();
        if (model["merges"] is JsonArray mergeArray)
        {
            foreach (JsonNode? merge in mergeArray)
            {
                merges.Add(ParseMerge(merge, path));
            }
        }

        return (vocab, merges);
    }

    private static (string, string) ParseMerge(JsonNode? merge, string path)
    {
        if (merge is JsonArray pair && pair.Count == 2 && pair[0] is JsonValue a && pair[1] is JsonValue b)
        {
            return (a.GetValue<string>(), b.GetValue<string>());
        }

        if (merge is JsonValue text && text.TryGetValue(out string? s))
        {
            string[] parts = s.Split(' ');
            if (parts.Length == 2)
            {
                return (parts[0], parts[1]);
            }
        }

        throw new InvalidDataException($"Merge {merge?.ToJsonString()} in {path} is neither \"a b\" nor [a, b].");
    }
}
