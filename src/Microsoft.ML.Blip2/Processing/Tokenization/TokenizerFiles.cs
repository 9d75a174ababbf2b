namespace Microsoft.ML.Blip2.Processing;

/// <summary>File names of a Hugging Face tokenizer directory and the checks around them.</summary>
internal static class TokenizerFiles
{
    public const string TokenizerConfig = "tokenizer_config.json";
    public const string SpecialTokensMap = "special_tokens_map.json";
    public const string AddedTokens = "added_tokens.json";
    public const string TokenizerJson = "tokenizer.json";
    public const string BpeVocab = "vocab.json";
    public const string BpeMerges = "merges.txt";
    public const string SentencePieceModel = "spiece.model";
    public const string WordPieceVocab = "vocab.txt";

    public static void RequireDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Tokenizer directory '{directory}' does not exist.");
        }
    }

    /// <summary>Full path of <paramref name="fileName"/> in <paramref name="directory"/>; throws naming both when missing.</summary>
    public static string Require(string directory, string fileName, string? purpose = null)
    {
        string path = Path.Combine(directory, fileName);
        if (!File.Exists(path))
        {
            string why = purpose is null ? string.Empty : $" ({purpose})";
            throw new FileNotFoundException($"Tokenizer file '{fileName}'{why} was not found in '{directory}'.", path);
        }

        return path;
    }

    public static string? Optional(string directory, string fileName)
    {
        string path = Path.Combine(directory, fileName);
        return File.Exists(path) ? path : null;
    }
}
