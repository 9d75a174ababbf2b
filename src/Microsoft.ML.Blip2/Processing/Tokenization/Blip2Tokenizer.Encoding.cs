namespace Microsoft.ML.Blip2.Processing;

public abstract partial class Blip2Tokenizer
{
    /// <summary>Token ids of one text (Hugging Face <c>tokenizer.encode(text)</c>); no truncation or padding.</summary>
    /// <param name="text">Text to encode.</param>
    /// <param name="addSpecialTokens">Add the model's special tokens (BOS for OPT, EOS for T5, [CLS]/[SEP] for BERT).</param>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        List<int> ids = IdsOf(text);
        return addSpecialTokens ? BuildInputsWithSpecialTokens(ids, null) : ids;
    }

    /// <summary>Token ids of a text pair (Hugging Face <c>tokenizer.encode(text, text_pair)</c>).</summary>
    /// <param name="text">First sequence.</param>
    /// <param name="textPair">Second sequence.</param>
    /// <param name="addSpecialTokens">Add the model's special tokens.</param>
    public IReadOnlyList<int> Encode(string text, string textPair, bool addSpecialTokens = true)
    {
        List<int> ids = IdsOf(text);
        List<int> pairIds = IdsOf(textPair);
        return addSpecialTokens ? BuildInputsWithSpecialTokens(ids, pairIds) : [.. ids, .. pairIds];
    }

    /// <summary>
    /// Tokenizes a batch like a Hugging Face tokenizer call <c>tokenizer(texts, padding=..., truncation=...,
    /// max_length=...)</c>: truncation counts special tokens, padding uses the pad token and mask 0.
    /// </summary>
    /// <param name="texts">Texts, one row each.</param>
    /// <param name="options">Padding, truncation and special-token options; defaults when <see langword="null"/>.</param>
    public TokenizedBatch EncodeBatch(IReadOnlyList<string> texts, TokenizerCallOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return EncodeBatchCore(texts, null, options ?? new TokenizerCallOptions());
    }

    /// <summary>Tokenizes a batch of text pairs (Hugging Face <c>tokenizer(texts, text_pairs, ...)</c>).</summary>
    /// <param name="texts">First sequences.</param>
    /// <param name="textPairs">Second sequences, one per text.</param>
    /// <param name="options">Padding, truncation and special-token options.</param>
    public TokenizedBatch EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs, TokenizerCallOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(textPairs);
        if (texts.Count != textPairs.Count)
        {
            throw new ArgumentException($"Got {texts.Count} texts but {textPairs.Count} text pairs.", nameof(textPairs));
        }

        return EncodeBatchCore(texts, textPairs, options ?? new TokenizerCallOptions());
    }

    /// <summary>Adds the model's special tokens around one or two id sequences (<c>build_inputs_with_special_tokens</c>).</summary>
    private protected abstract List<int> BuildInputsWithSpecialTokens(List<int> ids, List<int>? pairIds);

    /// <summary>Token type ids for the output of <see cref="BuildInputsWithSpecialTokens"/> (all zeros unless overridden).</summary>
    private protected virtual List<int> CreateTokenTypeIds(List<int> ids, List<int>? pairIds) =>
        Enumerable.Repeat(0, BuildInputsWithSpecialTokens(ids, pairIds).Count).ToList();

    /// <summary>Whether calls return token type ids by default (Hugging Face <c>model_input_names</c>).</summary>
    private protected virtual bool ReturnsTokenTypeIds => false;

    private List<int> IdsOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Tokenize(text).Select(ConvertTokenToId).ToList();
    }

    private int NumSpecialTokensToAdd(bool pair) => BuildInputsWithSpecialTokens([], pair ? [] : null).Count;

    private TokenizedBatch EncodeBatchCore(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, TokenizerCallOptions options)
    {
        (TokenizerPadding padding, bool truncate, int? maxLength) = ResolveStrategies(options);
        bool withTypes = options.ReturnTokenTypeIds ?? ReturnsTokenTypeIds;
        var rows = new List<(List<int> Ids, List<int> Types)>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            List<int> ids = IdsOf(texts[i]);
            List<int>? pairIds = pairs is null ? null : IdsOf(pairs[i]);
            int total = ids.Count + (pairIds?.Count ?? 0) + (options.AddSpecialTokens ? NumSpecialTokensToAdd(pairIds is not null) : 0);
            if (truncate && maxLength is int limit && total > limit)
            {
                (ids, pairIds) = SequenceTruncation.Truncate(ids, pairIds, total - limit, TruncationSide, i);
            }

            rows.Add(options.AddSpecialTokens
                ? (BuildInputsWithSpecialTokens(ids, pairIds), CreateTokenTypeIds(ids, pairIds))
                : ([.. ids, .. pairIds ?? []], Enumerable.Repeat(0, ids.Count + (pairIds?.Count ?? 0)).ToList()));
        }

        int? padTo = padding switch
        {
            TokenizerPadding.Longest => rows.Count == 0 ? 0 : rows.Max(r => r.Ids.Count),
            TokenizerPadding.MaxLength => maxLength,
            _ => null,
        };
        if (padTo is int target && options.PadToMultipleOf is int multiple && multiple > 0 && target % multiple != 0)
        {
            padTo = (target / multiple + 1) * multiple;
        }

        var layout = new SequencePadding(padTo, options.PaddingSide ?? PaddingSide, padTo is null ? 0 : PadIdForPadding());
        var inputIds = new long[rows.Count][];
        var attention = new long[rows.Count][];
        long[][]? types = withTypes ? new long[rows.Count][] : null;
        for (int r = 0; r < rows.Count; r++)
        {
            (inputIds[r], attention[r], long[] rowTypes) = layout.Pad(rows[r].Ids, rows[r].Types);
            if (types is not null)
            {
                types[r] = rowTypes;
            }
        }

        return new TokenizedBatch(inputIds, attention, types);
    }

    // Hugging Face _get_padding_truncation_strategies.
    private (TokenizerPadding Padding, bool Truncate, int? MaxLength) ResolveStrategies(TokenizerCallOptions options)
    {
        TokenizerPadding padding = options.Padding;
        int? maxLength = options.MaxLength;
        if (maxLength is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxLength, "MaxLength must be positive.");
        }

        // HF backward compatibility: max_length alone (no padding, truncation not given) activates truncation.
        bool truncate = options.Truncation ?? (maxLength is not null && padding == TokenizerPadding.None);
        bool unlimited = ModelMaxLength == long.MaxValue;
        if (maxLength is null)
        {
            if (padding == TokenizerPadding.MaxLength)
            {
                // HF warns and falls back to no padding when the model declares no maximum length.
                padding = unlimited ? TokenizerPadding.None : padding;
            }

            if (truncate && unlimited)
            {
                truncate = false;
            }

            if (!unlimited && (padding == TokenizerPadding.MaxLength || truncate))
            {
                maxLength = (int)Math.Min(ModelMaxLength, int.MaxValue);
            }
        }

        if (truncate && padding != TokenizerPadding.None && options.PadToMultipleOf is int multiple && maxLength is int m && m % multiple != 0)
        {
            throw new ArgumentException($"Truncation and padding are both on but MaxLength {m} is not a multiple of PadToMultipleOf {multiple}.", nameof(options));
        }

        return (padding, truncate, maxLength);
    }

    private int PadIdForPadding()
    {
        if (PadToken is null || PadTokenId is not int id || id < 0)
        {
            throw new InvalidOperationException("Asking to pad but the tokenizer has no padding token; set one first (e.g. use the EOS token).");
        }

        return id;
    }
}
