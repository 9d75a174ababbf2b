namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// The Flan-T5 tokenizer of BLIP-2 T5 checkpoints: Hugging Face's slow <c>T5Tokenizer</c> over a SentencePiece
/// unigram model (<c>spiece.model</c>). EOS (<c>&lt;/s&gt;</c>) is appended, there is no BOS, and the
/// <c>&lt;extra_id_N&gt;</c> sentinels take the ids after the SentencePiece vocabulary, counted from the end.
/// </summary>
/// <remarks>
/// <para><c>legacy</c> (tokenizer_config.json, default true as in transformers 4.45): with true, each text piece between
/// added tokens is encoded on its own and gets SentencePiece's dummy-prefix '▁'; with false, one '▁' is put before the
/// whole text and pieces after added tokens get none (the model's <c>add_dummy_prefix</c> is switched off in memory).</para>
/// <para>Characters not in the model become <c>&lt;unk&gt;</c> (one id per run of unknown characters, as sentencepiece
/// does; the library yields one per character and this class merges them). Decoding keeps <c>&lt;unk&gt;</c> as text
/// (transformers treats it as a special token) instead of sentencepiece's " ⁇ ".</para>
/// </remarks>
public sealed class T5Tokenizer : Blip2Tokenizer
{
    private const string Underline = "\u2581";

    private static readonly IReadOnlyDictionary<SpecialTokenRole, string> Defaults = new Dictionary<SpecialTokenRole, string>
    {
        [SpecialTokenRole.Eos] = "</s>",
        [SpecialTokenRole.Unk] = "<unk>",
        [SpecialTokenRole.Pad] = "<pad>",
    };

    private readonly SentencePieceModelProto model;
    private readonly Dictionary<string, int> pieceIds;
    private readonly SentencePieceEncoder encoder;
    private readonly SentencePieceDecoder decoder;
    private readonly int unkTokenLength;

    private T5Tokenizer(TokenizerInitArgs args, SentencePieceModelProto model, bool legacy, int extraIds, ExtraIdLayout extras)
        : base(args, extras.AddedTokens)
    {
        this.model = model;
        Legacy = legacy;
        ExtraIds = extraIds;
        AddPrefixSpace = args.GetBool("add_prefix_space", true);
        pieceIds = new Dictionary<string, int>(model.Pieces.Count, StringComparer.Ordinal);
        for (int id = 0; id < model.Pieces.Count; id++)
        {
            pieceIds.TryAdd(model.Pieces[id].Piece, id);
        }

        // Like T5Tokenizer.get_spm_processor: legacy=False loads the model with add_dummy_prefix switched off.
        bool? dummyPrefixOverride = legacy ? null : false;
        encoder = new SentencePieceEncoder(model, dummyPrefixOverride);
        decoder = new SentencePieceDecoder(model, pieceIds, dummyPrefixOverride ?? model.AddDummyPrefix);
        InitializeSpecialTokens(SpecialTokensFrom(args, Defaults), extras.AdditionalSpecialTokens);
        unkTokenLength = encoder.EncodePieces(UnkToken ?? string.Empty).Count;
    }

    /// <summary>The <c>legacy</c> behaviour in effect (see remarks).</summary>
    public bool Legacy { get; }

    /// <summary>Number of <c>&lt;extra_id_N&gt;</c> sentinels (<c>extra_ids</c>, default 100).</summary>
    public int ExtraIds { get; }

    /// <summary>Whether a '▁' is put before the text when <see cref="Legacy"/> is false (<c>add_prefix_space</c>, default true).</summary>
    public bool AddPrefixSpace { get; }

    /// <inheritdoc/>
    public override int VocabSize => model.Pieces.Count;

    /// <summary>Loads <c>spiece.model</c> and the tokenizer settings of a checkpoint directory.</summary>
    /// <param name="directory">Directory with spiece.model and usually tokenizer_config.json.</param>
    /// <param name="legacy">Overrides <c>legacy</c> of tokenizer_config.json (Hugging Face <c>from_pretrained(..., legacy=...)</c>).</param>
    public static T5Tokenizer FromDirectory(string directory, bool? legacy = null)
    {
        TokenizerInitArgs args = TokenizerInitArgs.Load(directory);
        SentencePieceModelProto model = SentencePieceModelProto.Load(
            TokenizerFiles.Require(directory, TokenizerFiles.SentencePieceModel, "SentencePiece model"));
        int extraIds = args.GetInt("extra_ids", 100);
        bool effectiveLegacy = legacy ?? args.GetNullableBool("legacy", null) ?? true;
        return new T5Tokenizer(args, model, effectiveLegacy, extraIds, ExtraIdLayout.Create(args, model.Pieces.Count, extraIds));
    }

    /// <summary>The piece strings and scores of the SentencePiece model, in id order.</summary>
    internal IReadOnlyList<SentencePiece> Pieces => model.Pieces;

    private protected override List<string> TokenizeCore(string text)
    {
        if (Legacy || text.Length == 0)
        {
            return TokenizeWithAddedTokens(text);
        }

        text = text.Replace(Underline, " ", StringComparison.Ordinal);
        if (AddPrefixSpace)
        {
            text = Underline + text;
        }

        List<string> tokens = TokenizeWithAddedTokens(text);
        if (tokens.Count > 1 && tokens[0] == Underline && AllSpecialTokens.Contains(tokens[1]))
        {
            tokens.RemoveAt(0);
        }

        return tokens;
    }

    private protected override IReadOnlyList<string> TokenizeText(string text)
    {
        if (Legacy || !(text.StartsWith(Underline, StringComparison.Ordinal) || text.StartsWith(' ')))
        {
            return encoder.EncodePieces(text);
        }

        // The model no longer adds a dummy prefix and would strip this leading space: encode "<unk>" + text and drop
        // the pieces of "<unk>", as T5Tokenizer._tokenize does.
        List<string> tokens = encoder.EncodePieces(UnkToken + text);
        return tokens.Count >= unkTokenLength ? tokens[unkTokenLength..] : tokens;
    }

    private protected override int? ModelTokenToId(string token) => pieceIds.TryGetValue(token, out int id) ? id : null;

    private protected override string ModelIdToToken(int id) =>
        id >= 0 && id < model.Pieces.Count
            ? model.Pieces[id].Piece
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"Piece id is out of range (the model has {model.Pieces.Count} pieces).");

    private protected override string ConvertTokensToString(IReadOnlyList<string> tokens)
    {
        var pieces = tokens.ToList();
        // The prefix space was added by the tokenizer, so it is removed again (T5Tokenizer.convert_tokens_to_string).
        if (pieces.Count > 0 && pieces[0].StartsWith(Underline, StringComparison.Ordinal) && AddPrefixSpace)
        {
            pieces[0] = pieces[0][1..];
        }

        var special = AllSpecialTokens.ToHashSet(StringComparer.Ordinal);
        var text = new System.Text.StringBuilder();
        var run = new List<string>();
        bool previousSpecial = false;
        foreach (string token in pieces)
        {
            if (special.Contains(token))
            {
                if (!previousSpecial)
                {
                    text.Append(' ');
                }

                text.Append(decoder.DecodePieces(run)).Append(token);
                run.Clear();
                previousSpecial = true;
            }
            else
            {
                run.Add(token);
                previousSpecial = false;
            }
        }

        text.Append(decoder.DecodePieces(run));
        return PythonText.Strip(text.ToString());
    }

    private protected override List<int> BuildInputsWithSpecialTokens(List<int> ids, List<int>? pairIds)
    {
        List<int> output = WithEos(ids);
        if (pairIds is not null)
        {
            output.AddRange(WithEos(pairIds));
        }

        return output;
    }

    // T5Tokenizer._add_eos_if_not_present: a sequence that already ends with EOS gets no second one.
    private List<int> WithEos(List<int> ids)
    {
        int eos = EosTokenId ?? throw new InvalidOperationException("The T5 tokenizer has no EOS token.");
        return ids.Count > 0 && ids[^1] == eos ? [.. ids] : [.. ids, eos];
    }

    /// <summary>
    /// The <c>&lt;extra_id_N&gt;</c> layout of T5Tokenizer.__init__: sentinels take ids (pieces - 1 + extra_ids - N) and
    /// strip the whitespace around them; when additional_special_tokens is given without any sentinel, the sentinel
    /// names are appended to it and get ids later like any new special token (a transformers quirk kept here).
    /// </summary>
    private sealed record ExtraIdLayout(List<KeyValuePair<int, AddedToken>> AddedTokens, List<AddedToken> AdditionalSpecialTokens)
    {
        public static ExtraIdLayout Create(TokenizerInitArgs args, int pieceCount, int extraIds)
        {
            List<AddedToken> additional;
            int sentinelCount;
            if (args.AdditionalSpecialTokens is { } configured)
            {
                additional = [.. configured];
                sentinelCount = configured.Count(t => t.Content.Contains("<extra_id_", StringComparison.Ordinal));
                if (sentinelCount < 1)
                {
                    additional.AddRange(Enumerable.Range(0, extraIds).Select(i => new AddedToken($"<extra_id_{i}>") { Special = true }));
                }
                else if (extraIds > 0 && extraIds != sentinelCount)
                {
                    throw new InvalidDataException(
                        $"extra_ids is {extraIds} but additional_special_tokens of '{args.Directory}' names {sentinelCount} <extra_id_*> tokens.");
                }
            }
            else
            {
                sentinelCount = extraIds;
                additional = Enumerable.Range(0, extraIds).Select(i => new AddedToken($"<extra_id_{i}>") { Special = true }).ToList();
            }

            var added = Enumerable.Range(0, sentinelCount)
                .Select(i => new KeyValuePair<int, AddedToken>(
                    pieceCount - 1 + extraIds - i,
                    new AddedToken($"<extra_id_{i}>") { LStrip = true, RStrip = true, Special = true }))
                .ToList();
            return new ExtraIdLayout(added, additional);
        }
    }
}
