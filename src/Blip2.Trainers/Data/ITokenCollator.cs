namespace Blip2.Trainers.Data;

/// <summary>Builds padded token tensors for a batch from token-id lists (no tokenizer involved).</summary>
public interface ITokenCollator
{
    /// <summary>Collates <paramref name="examples"/> into one right-padded batch.</summary>
    TokenBatch Collate(IReadOnlyList<TokenizedExample> examples);
}
