using System.Globalization;
using Microsoft.ML.Blip2.Configuration;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Hugging Face's <c>Blip2Processor</c>: the image processor and the tokenizer of a checkpoint together. When the
/// checkpoint's <c>processor_config.json</c> sets <c>num_query_tokens</c> (the new layout, where the model places the
/// query embeddings at <c>&lt;image&gt;</c> tokens), that many image tokens are prepended to <b>every</b> text row
/// (transformers 4.45 did it only for the first row of a batch; this follows the fix of PR #34225).
/// </summary>
public sealed class Blip2Processor
{
    /// <summary>The token that marks where a query embedding goes.</summary>
    public const string DefaultImageToken = "<image>";

    /// <summary>The prompt layout of the BLIP-2 VQA evaluations.</summary>
    public const string DefaultQuestionTemplate = "Question: {0} Answer:";

    /// <summary>
    /// Combines an image processor and a tokenizer. Like Hugging Face, the image token is added to the tokenizer as a
    /// special token (appended to the vocabulary if absent), so decoding with <c>skipSpecialTokens</c> drops it.
    /// </summary>
    /// <param name="imageProcessor">Turns images into <c>pixel_values</c>.</param>
    /// <param name="tokenizer">The language model's tokenizer (modified: the image token is added).</param>
    /// <param name="numQueryTokens">Image tokens to prepend per row, or null for the legacy layout.</param>
    /// <param name="imageToken">The image token text.</param>
    public Blip2Processor(Blip2ImageProcessor imageProcessor, Blip2Tokenizer tokenizer, int? numQueryTokens = null, string imageToken = DefaultImageToken)
    {
        ArgumentNullException.ThrowIfNull(imageProcessor);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrEmpty(imageToken);
        if (numQueryTokens is < 0) throw new ArgumentOutOfRangeException(nameof(numQueryTokens), numQueryTokens, "must be ≥ 0.");
        ImageProcessor = imageProcessor;
        Tokenizer = tokenizer;
        NumQueryTokens = numQueryTokens;
        ImageToken = imageToken;
        tokenizer.AddTokens([new AddedToken(imageToken) { Normalized = false, Special = true }], specialTokens: true);
        ImageTokenId = tokenizer.ConvertTokenToId(imageToken);
    }

    /// <summary>The image processor.</summary>
    public Blip2ImageProcessor ImageProcessor { get; }

    /// <summary>The tokenizer (with the image token added).</summary>
    public Blip2Tokenizer Tokenizer { get; }

    /// <summary>Image tokens prepended to each row when images are given; null = legacy layout.</summary>
    public int? NumQueryTokens { get; }

    /// <summary>The image token text.</summary>
    public string ImageToken { get; }

    /// <summary>The image token's id.</summary>
    public int ImageTokenId { get; }

    /// <summary>The VQA prompt template (<c>{0}</c> = the question).</summary>
    public string QuestionTemplate { get; init; } = DefaultQuestionTemplate;

    /// <summary>
    /// Loads a processor directory (what <c>Blip2Processor.save_pretrained</c> writes, i.e. a Salesforce/blip2-*
    /// repository): <c>preprocessor_config.json</c>, the tokenizer files, and optionally <c>processor_config.json</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A required file is missing (the message names it).</exception>
    public static Blip2Processor FromPretrained(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Processor directory '{directory}' does not exist.");
        string preprocessor = Path.Combine(directory, ImagePreprocessorConfig.FileName);
        if (!File.Exists(preprocessor))
            throw new FileNotFoundException($"'{directory}' has no {ImagePreprocessorConfig.FileName}.", preprocessor);
        var imageProcessor = Blip2ImageProcessor.FromPreprocessorConfigFile(preprocessor);
        var tokenizer = Blip2Tokenizer.FromPretrained(directory);
        int? queries = File.Exists(Path.Combine(directory, ProcessorConfig.FileName))
            ? ProcessorConfig.FromDirectory(directory).NumQueryTokens
            : null;
        return new Blip2Processor(imageProcessor, tokenizer, queries);
    }

    /// <summary>The VQA prompt for a question (<see cref="QuestionTemplate"/>).</summary>
    public string FormatQuestion(string question) =>
        string.Format(CultureInfo.InvariantCulture, QuestionTemplate, question ?? throw new ArgumentNullException(nameof(question)));

    /// <summary>
    /// Images and/or texts → model inputs. Texts are tokenized first (BOS, padding and truncation apply to the text
    /// only); then, when images are given and <see cref="NumQueryTokens"/> is set, that many image tokens with mask 1
    /// are prepended to every row. Without images the processor is the bare tokenizer.
    /// </summary>
    /// <param name="images">Decoded images (one per text when both are given), or null.</param>
    /// <param name="texts">Prompts, or null.</param>
    /// <param name="options">Padding / truncation options of the tokenizer call.</param>
    public Blip2ProcessorOutput Process(IReadOnlyList<DecodedImage>? images, IReadOnlyList<string>? texts, TokenizerCallOptions? options = null)
    {
        if (images is null && texts is null)
            throw new ArgumentException("Give images, texts or both.", nameof(images));
        if (images is { Count: 0 }) throw new ArgumentException("images is empty.", nameof(images));
        if (texts is { Count: 0 }) throw new ArgumentException("texts is empty.", nameof(texts));
        if (images is not null && texts is not null && images.Count != texts.Count && texts.Count != 1)
            throw new ArgumentException($"Got {images.Count} images and {texts.Count} texts; give one text per image (or one text for all).", nameof(texts));
        Tensor? pixels = images is null ? null : ImageProcessor.Preprocess(images);
        if (texts is null) return new Blip2ProcessorOutput(pixels, null, null);
        try
        {
            var batch = Tokenizer.EncodeBatch(texts, (options ?? new TokenizerCallOptions()) with { ReturnTokenTypeIds = false });
            long[][] ids = batch.InputIds, mask = batch.AttentionMask;
            if (images is not null && NumQueryTokens is int q && q > 0)
            {
                ids = ids.Select(row => Enumerable.Repeat((long)ImageTokenId, q).Concat(row).ToArray()).ToArray();
                mask = mask.Select(row => Enumerable.Repeat(1L, q).Concat(row).ToArray()).ToArray();
            }
            using var tensors = new TokenizedBatch(ids, mask).ToTensors();
            return new Blip2ProcessorOutput(pixels, tensors.InputIds.alias(), tensors.AttentionMask.alias());
        }
        catch
        {
            pixels?.Dispose();
            throw;
        }
    }

    /// <summary>Loads images from files and processes them with <paramref name="texts"/> (see the main overload).</summary>
    public Blip2ProcessorOutput Process(IReadOnlyList<string> imagePaths, IReadOnlyList<string>? texts, TokenizerCallOptions? options = null) =>
        Process(imagePaths.Select(DecodedImage.FromFile).ToList(), texts, options);

    /// <summary>Decodes generated sequences <c>[B, L]</c> (special tokens, including the image token, skipped by default).</summary>
    public IReadOnlyList<string> BatchDecode(Tensor sequences, bool skipSpecialTokens = true) =>
        Tokenizer.BatchDecode(sequences, skipSpecialTokens);
}
