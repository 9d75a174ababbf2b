namespace Blip2.Trainers.Data;

/// <summary>
/// Training batches for BLIP-2 with a decoder-only language model (OPT), as LAVIS and the golden <c>train_opt</c> case
/// build them: <c>input_ids = [BOS] + prompt + answer + [EOS]</c>, right padded with <c>pad_token_id</c>; <c>labels</c>
/// equal <c>input_ids</c> with −100 on BOS, the prompt and the padding, so the loss covers the answer and its EOS. For
/// checkpoints with <c>image_token_index</c> set, <c>num_query_tokens</c> image tokens come first (label −100), as the
/// fixed <c>Blip2Processor</c> prepends them.
/// </summary>
public sealed class OptTrainingCollator : ITokenCollator
{
    /// <summary>Ignored label value of PyTorch's cross-entropy.</summary>
    public const long IgnoreIndex = -100;

    /// <summary>Creates the collator.</summary>
    /// <param name="bosTokenId"><c>bos_token_id</c> of the text config.</param>
    /// <param name="eosTokenId">The id that ends each answer (<c>eos_token_id</c>; "\n" for the Salesforce blip2-opt checkpoints).</param>
    /// <param name="padTokenId"><c>pad_token_id</c>.</param>
    /// <param name="imageTokenId"><c>image_token_index</c> for new-style checkpoints; null for legacy ones.</param>
    /// <param name="imageTokenCount">How many image tokens to prepend (<c>num_query_tokens</c>) when <paramref name="imageTokenId"/> is set.</param>
    public OptTrainingCollator(long bosTokenId, long eosTokenId, long padTokenId, long? imageTokenId = null, int imageTokenCount = 0)
    {
        if (imageTokenId is not null && imageTokenCount < 1)
            throw new ArgumentOutOfRangeException(nameof(imageTokenCount), imageTokenCount, "With an image token id, at least one image token must be prepended.");
        BosTokenId = bosTokenId;
        EosTokenId = eosTokenId;
        PadTokenId = padTokenId;
        ImageTokenId = imageTokenId;
        ImageTokenCount = imageTokenId is null ? 0 : imageTokenCount;
    }

    /// <summary>BOS id.</summary>
    public long BosTokenId { get; }

    /// <summary>EOS id appended to every answer.</summary>
    public long EosTokenId { get; }

    /// <summary>Padding id.</summary>
    public long PadTokenId { get; }

    /// <summary>Image placeholder id, or null.</summary>
    public long? ImageTokenId { get; }

    /// <summary>Image placeholders per row.</summary>
    public int ImageTokenCount { get; }

    /// <inheritdoc />
    public TokenBatch Collate(IReadOnlyList<TokenizedExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        var ids = new List<List<long>>();
        var labels = new List<List<long>>();
        foreach (var example in examples)
        {
            var row = new List<long>();
            if (ImageTokenId is long image) row.AddRange(Enumerable.Repeat(image, ImageTokenCount));
            row.Add(BosTokenId);
            row.AddRange(example.PromptIds);
            int ignored = row.Count;
            row.AddRange(example.AnswerIds);
            row.Add(EosTokenId);
            ids.Add(row);
            labels.Add([.. Enumerable.Repeat(IgnoreIndex, ignored), .. row.Skip(ignored)]);
        }
        return new TokenBatch(PaddedRows.ToTensor(ids, PadTokenId), PaddedRows.Mask(ids), PaddedRows.ToTensor(labels, IgnoreIndex));
    }
}
