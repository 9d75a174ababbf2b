using TorchSharp;

namespace Microsoft.ML.Blip2.Processing;

public abstract partial class Blip2Tokenizer
{
    /// <summary>
    /// Text of token ids (Hugging Face <c>tokenizer.decode</c>): model tokens are joined by the model's rules; added
    /// tokens outside the base vocabulary stand apart, separated by one space.
    /// </summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecialTokens">Drop special tokens (BOS/EOS/pad/unk, <c>&lt;image&gt;</c>, ...).</param>
    /// <param name="cleanUpTokenizationSpaces">Remove spaces before punctuation; the tokenizer's default when <see langword="null"/>.</param>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        IReadOnlyList<string> tokens = ConvertIdsToTokens(ids, skipSpecialTokens);

        // Added tokens that are not special, and additional special tokens beyond the base vocabulary, are decoded on
        // their own so byte-level/sentencepiece joining never sees them ("legacy added tokens" in transformers).
        var standalone = addedTokensEncoder.Keys.Except(AllSpecialTokens).ToHashSet(StringComparer.Ordinal);
        standalone.UnionWith(AdditionalSpecialTokens.Where(t => ConvertTokenToId(t) >= VocabSize));

        var parts = new List<string>();
        var run = new List<string>();
        foreach (string token in tokens)
        {
            if (!standalone.Contains(token))
            {
                run.Add(token);
                continue;
            }

            if (run.Count > 0)
            {
                string text = ConvertTokensToString(run);
                if (text.Length > 0)
                {
                    parts.Add(text);
                }

                run.Clear();
            }

            parts.Add(token);
        }

        if (run.Count > 0)
        {
            parts.Add(ConvertTokensToString(run));
        }

        string decoded = string.Join(" ", parts);
        return cleanUpTokenizationSpaces ?? CleanUpTokenizationSpaces ? TokenizationSpaces.CleanUp(decoded) : decoded;
    }

    /// <summary>Text of int64 token ids (e.g. a row of generated ids); see <see cref="Decode(IEnumerable{int}, bool, bool?)"/>.</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecialTokens">Drop special tokens.</param>
    /// <param name="cleanUpTokenizationSpaces">Remove spaces before punctuation; the tokenizer's default when <see langword="null"/>.</param>
    public string Decode(IEnumerable<long> ids, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Decode(ids.Select(ToInt32), skipSpecialTokens, cleanUpTokenizationSpaces);
    }

    /// <summary>Decodes each row (Hugging Face <c>batch_decode</c>).</summary>
    /// <param name="sequences">Rows of token ids.</param>
    /// <param name="skipSpecialTokens">Drop special tokens.</param>
    /// <param name="cleanUpTokenizationSpaces">Remove spaces before punctuation; the tokenizer's default when <see langword="null"/>.</param>
    public IReadOnlyList<string> BatchDecode(IEnumerable<IEnumerable<int>> sequences, bool skipSpecialTokens = false,
        bool? cleanUpTokenizationSpaces = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        return sequences.Select(row => Decode(row, skipSpecialTokens, cleanUpTokenizationSpaces)).ToList();
    }

    /// <summary>Decodes each row of int64 ids (Hugging Face <c>batch_decode</c>).</summary>
    /// <param name="sequences">Rows of token ids.</param>
    /// <param name="skipSpecialTokens">Drop special tokens.</param>
    /// <param name="cleanUpTokenizationSpaces">Remove spaces before punctuation; the tokenizer's default when <see langword="null"/>.</param>
    public IReadOnlyList<string> BatchDecode(IEnumerable<IEnumerable<long>> sequences, bool skipSpecialTokens = false,
        bool? cleanUpTokenizationSpaces = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        return sequences.Select(row => Decode(row, skipSpecialTokens, cleanUpTokenizationSpaces)).ToList();
    }

    /// <summary>Decodes each row of a <c>[B, T]</c> integer tensor (e.g. generated sequences).</summary>
    /// <param name="sequences">2-D tensor of token ids, any integer dtype and device.</param>
    /// <param name="skipSpecialTokens">Drop special tokens.</param>
    /// <param name="cleanUpTokenizationSpaces">Remove spaces before punctuation; the tokenizer's default when <see langword="null"/>.</param>
    public IReadOnlyList<string> BatchDecode(torch.Tensor sequences, bool skipSpecialTokens = false, bool? cleanUpTokenizationSpaces = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.dim() != 2 || sequences.is_floating_point() || sequences.is_complex())
        {
            throw new ArgumentException(
                $"Expected a 2-D integer tensor of token ids, got {sequences.dtype} with shape [{string.Join(", ", sequences.shape)}].",
                nameof(sequences));
        }

        long[] flat;
        using (torch.NewDisposeScope())
        {
            // The scope owns every intermediate; the caller's tensor is never disposed here.
            flat = sequences.detach().to(torch.int64, torch.CPU).contiguous().data<long>().ToArray();
        }

        int width = (int)sequences.shape[1];
        return Enumerable.Range(0, (int)sequences.shape[0])
            .Select(r => Decode(new ArraySegment<long>(flat, r * width, width), skipSpecialTokens, cleanUpTokenizationSpaces))
            .ToList();
    }

    private static int ToInt32(long id) =>
        id is >= int.MinValue and <= int.MaxValue ? (int)id : throw new ArgumentOutOfRangeException(nameof(id), id, "Token id does not fit in 32 bits.");
}
