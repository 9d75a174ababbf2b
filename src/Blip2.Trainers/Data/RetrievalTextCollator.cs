namespace Blip2.Trainers.Data;

/// <summary>
/// Text batches for image–text retrieval training: each row is <c>PromptIds + AnswerIds</c> exactly as given (include the
/// BERT <c>[CLS]</c> … <c>[SEP]</c> ids yourself: ITC reads the first position), right padded; no labels.
/// </summary>
public sealed class RetrievalTextCollator(long padTokenId) : ITokenCollator
{
    /// <summary>Padding id (0 for the BERT vocabulary of the BLIP-2 Q-Former).</summary>
    public long PadTokenId { get; } = padTokenId;

    /// <inheritdoc />
    public TokenBatch Collate(IReadOnlyList<TokenizedExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        var ids = examples.Select(e => new List<long>([.. e.PromptIds, .. e.AnswerIds])).ToList();
        int empty = ids.FindIndex(r => r.Count == 0);
        if (empty >= 0) throw new ArgumentException($"Example {empty} has no text ids.", nameof(examples));
        return new TokenBatch(PaddedRows.ToTensor(ids, PadTokenId), PaddedRows.Mask(ids), null);
    }
}
