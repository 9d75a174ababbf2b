namespace Microsoft.ML.Blip2.Processing;

public abstract partial class Blip2Tokenizer
{
    /// <summary>
    /// Loads the tokenizer of a Hugging Face checkpoint or processor directory (like <c>AutoTokenizer.from_pretrained</c>
    /// with <c>use_fast=False</c>): the class comes from <c>tokenizer_class</c> in tokenizer_config.json
    /// (GPT2Tokenizer[Fast] → <see cref="OptTokenizer"/>, T5Tokenizer[Fast] → <see cref="T5Tokenizer"/>,
    /// BertTokenizer[Fast] → <see cref="Blip2BertTokenizer"/>), or else from the files present.
    /// </summary>
    /// <param name="directory">Directory with the tokenizer files.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file the tokenizer needs is missing (the message names it and the directory).</exception>
    /// <exception cref="NotSupportedException">The configured tokenizer class is not one of the supported ones.</exception>
    public static Blip2Tokenizer FromPretrained(string directory)
    {
        TokenizerFiles.RequireDirectory(directory);
        string? configPath = TokenizerFiles.Optional(directory, TokenizerFiles.TokenizerConfig);
        string? tokenizerClass = configPath is null
            ? null
            : TokenizerInitArgs.ReadObject(configPath)["tokenizer_class"]?.GetValue<string>();
        return tokenizerClass switch
        {
            "GPT2Tokenizer" or "GPT2TokenizerFast" => OptTokenizer.FromDirectory(directory),
            "T5Tokenizer" or "T5TokenizerFast" => T5Tokenizer.FromDirectory(directory),
            "BertTokenizer" or "BertTokenizerFast" => Blip2BertTokenizer.FromDirectory(directory),
            null => FromFilesPresent(directory),
            _ => throw new NotSupportedException(
                $"tokenizer_class '{tokenizerClass}' in {configPath} is not supported (GPT2Tokenizer, T5Tokenizer or BertTokenizer, slow or fast)."),
        };
    }

    private static Blip2Tokenizer FromFilesPresent(string directory)
    {
        if (TokenizerFiles.Optional(directory, TokenizerFiles.SentencePieceModel) is not null)
        {
            return T5Tokenizer.FromDirectory(directory);
        }

        if (TokenizerFiles.Optional(directory, TokenizerFiles.WordPieceVocab) is not null)
        {
            return Blip2BertTokenizer.FromDirectory(directory);
        }

        if (TokenizerFiles.Optional(directory, TokenizerFiles.BpeVocab) is not null
            || TokenizerFiles.Optional(directory, TokenizerFiles.TokenizerJson) is not null)
        {
            return OptTokenizer.FromDirectory(directory);
        }

        throw new FileNotFoundException(
            $"No tokenizer files in '{directory}': expected {TokenizerFiles.TokenizerConfig} with tokenizer_class, or one of " +
            $"{TokenizerFiles.BpeVocab} + {TokenizerFiles.BpeMerges}, {TokenizerFiles.TokenizerJson}, {TokenizerFiles.SentencePieceModel}, {TokenizerFiles.WordPieceVocab}.",
            Path.Combine(directory, TokenizerFiles.TokenizerConfig));
    }
}
