using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Processing;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// Images + texts → <c>pixel_values</c>, <c>input_ids</c>, <c>attention_mask</c> and ids → text, as Hugging Face's
/// <c>Blip2Processor</c> does (image tokens prepended to every row for checkpoints with <c>image_token_index</c>).
/// </summary>
/// <remarks>
/// The one seam between the transformers and the processing code. Unlike <see cref="Blip2Processor"/>, which takes the
/// image-token id and count from the tokenizer and <c>processor_config.json</c>, this takes them from the model config
/// (<c>image_token_index</c>, <c>num_query_tokens</c>): the values the model will look for. In the Salesforce
/// checkpoints both agree.
/// </remarks>
internal sealed class Blip2InputPreparer
{
    private readonly Blip2ImageProcessor images;
    private readonly long? imageTokenId;
    private readonly int imageTokenCount;

    private Blip2InputPreparer(Blip2ImageProcessor images, Blip2Tokenizer tokenizer, long? imageTokenId, int imageTokenCount)
    {
        this.images = images;
        Tokenizer = tokenizer;
        this.imageTokenId = imageTokenId;
        this.imageTokenCount = imageTokenCount;
    }

    /// <summary>The tokenizer of the checkpoint.</summary>
    public Blip2Tokenizer Tokenizer { get; }

    /// <summary>
    /// Loads the image processor and tokenizer of <paramref name="directory"/>. With <paramref name="imageTokens"/>
    /// (the model's <c>image_token_index</c> and <c>num_query_tokens</c>) every tokenized row starts with that many image tokens.
    /// </summary>
    public static Blip2InputPreparer Load(string directory, (long Id, int Count)? imageTokens)
    {
        var images = Blip2ImageProcessor.FromPreprocessorConfigFile(Path.Combine(directory, ImagePreprocessorConfig.FileName));
        var tokenizer = Blip2Tokenizer.FromPretrained(directory);
        return new Blip2InputPreparer(images, tokenizer, imageTokens?.Id, imageTokens?.Count ?? 0);
    }

    /// <summary>
    /// Preprocesses <paramref name="decodedImages"/> and, when given, tokenizes <paramref name="texts"/> (one per image,
    /// padded to the longest on <paramref name="paddingSide"/>). Tensors are created on <paramref name="device"/>.
    /// </summary>
    public PreparedInputs Prepare(IReadOnlyList<DecodedImage> decodedImages, IReadOnlyList<string>? texts, PaddingSide paddingSide, Device device)
    {
        using var scope = NewDisposeScope();
        var pixels = images.Preprocess(decodedImages).to(device);
        Tensor? ids = null, mask = null;
        if (texts is not null)
        {
            var batch = Tokenizer.EncodeBatch(texts, new TokenizerCallOptions { Padding = TokenizerPadding.Longest, PaddingSide = paddingSide });
            var tensors = batch.ToTensors(device);
            (ids, mask) = (tensors.InputIds, tensors.AttentionMask);
            if (imageTokenId is long imageToken && imageTokenCount > 0)
            {
                // As Blip2Processor: the image tokens come before the (padded) text of every row.
                ids = cat([full([texts.Count, imageTokenCount], imageToken, ScalarType.Int64, device), ids], 1);
                mask = cat([ones([texts.Count, imageTokenCount], ScalarType.Int64, device), mask], 1);
            }
        }

        var prepared = new PreparedInputs(pixels, ids, mask);
        prepared.MoveToOuterScope();
        return prepared;
    }

    /// <summary>Decodes token ids as Hugging Face's <c>decode(ids, skip_special_tokens=True)</c>.</summary>
    public string Decode(IEnumerable<long> ids) => Tokenizer.Decode(ids, skipSpecialTokens: true);
}
