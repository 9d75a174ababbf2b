namespace Blip2.Trainers.Data;

/// <summary>
/// Training batches for BLIP-2 with an encoder–decoder language model (Flan-T5), as the golden <c>train_t5</c> case:
/// encoder <c>input_ids = prompt + [EOS]</c> right padded with <c>pad_token_id</c>; <c>labels = answer + [EOS]</c> with −100
/// on padding. The decoder input is the labels shifted right by the model.
/// </summary>
public sealed class T5TrainingCollator : ITokenCollator
{
    /// <summary>Creates the collator.</summary>
    /// <param name="eosTokenId"><c>eos_token_id</c> (1 for T5).</param>
    /// <param name="padTokenId"><c>pad_token_id</c> (0 for T5).</param>
    public T5TrainingCollator(long eosTokenId, long padTokenId)
    {
        EosTokenId = eosTokenId;
        PadTokenId = padTokenId;
    }

    /// <summary>EOS id appended to prompts and answers.</summary>
    public long EosTokenId { get; }

    /// <summary>Padding id of the encoder input.</summary>
    public long PadTokenId { get; }

    /// <inheritdoc />
    public TokenBatch Collate(IReadOnlyList<TokenizedExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        var ids = examples.Select(e => new List<long>([.. e.PromptIds, EosTokenId])).ToList();
        var labels = examples.Select(e => new List<long>([.. e.AnswerIds, EosTokenId])).ToList();
        return new TokenBatch(PaddedRows.ToTensor(ids, PadTokenId), PaddedRows.Mask(ids), PaddedRows.ToTensor(labels, OptTrainingCollator.IgnoreIndex));
    }
}
