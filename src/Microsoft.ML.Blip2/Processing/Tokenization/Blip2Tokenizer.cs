using System.Text.RegularExpressions;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// A text tokenizer loaded from Hugging Face checkpoint files that reproduces the ids, padding, truncation and decoding
/// of the matching <c>transformers</c> slow tokenizer: <see cref="OptTokenizer"/> (GPT-2 byte-level BPE),
/// <see cref="T5Tokenizer"/> (SentencePiece unigram) and <see cref="Blip2BertTokenizer"/> (WordPiece).
/// Use <see cref="FromPretrained(string)"/> to pick the right one from a checkpoint directory.
/// </summary>
/// <remarks>
/// This base class holds the model-independent part of <c>PreTrainedTokenizer</c>: added tokens (matched in the raw
/// text before the model tokenizer runs), special tokens, special-token insertion, truncation, padding and decoding.
/// Instances are not thread-safe while tokens are being added; encoding and decoding only read state.
/// </remarks>
public abstract partial class Blip2Tokenizer
{
    private readonly Dictionary<SpecialTokenRole, AddedToken> specialTokens = new();
    private readonly List<AddedToken> additionalSpecialTokens = new();
    private readonly SortedDictionary<int, AddedToken> addedTokensDecoder = new();
    private readonly Dictionary<string, int> addedTokensEncoder = new(StringComparer.Ordinal);
    private AddedTokenSplitter splitter = new([]);
    private Regex? lowercaseOutsideSpecialTokens;

    /// <summary>Reads the model-independent settings; derived constructors finish with <see cref="InitializeSpecialTokens"/>.</summary>
    /// <param name="args">Constructor arguments read from the checkpoint directory.</param>
    /// <param name="modelAddedTokens">Added tokens the model class defines itself (e.g. T5 extra ids); the configured ones override them.</param>
    private protected Blip2Tokenizer(TokenizerInitArgs args, IEnumerable<KeyValuePair<int, AddedToken>>? modelAddedTokens = null)
    {
        foreach ((int id, AddedToken token) in modelAddedTokens ?? [])
        {
            addedTokensDecoder[id] = token;
        }

        foreach ((int id, AddedToken token) in args.AddedTokensDecoder)
        {
            addedTokensDecoder[id] = token;
        }

        foreach ((int id, AddedToken token) in addedTokensDecoder)
        {
            addedTokensEncoder[token.Content] = id;
        }

        ModelMaxLength = args.ModelMaxLength();
        PaddingSide = args.PaddingSide();
        TruncationSide = args.TruncationSide();
        CleanUpTokenizationSpaces = args.GetBool("clean_up_tokenization_spaces", true);
    }

    /// <summary>Size of the base vocabulary, without added tokens (Hugging Face <c>vocab_size</c>).</summary>
    public abstract int VocabSize { get; }

    /// <summary>Size of the full vocabulary including added tokens (Hugging Face <c>len(tokenizer)</c>).</summary>
    public int Count => VocabSize + addedTokensEncoder.Keys.Count(content => ModelTokenToId(content) is null);

    /// <summary>Maximum sequence length of the model; <see cref="long.MaxValue"/> when the checkpoint sets no limit.</summary>
    public long ModelMaxLength { get; }

    /// <summary>Side that receives padding (from <c>padding_side</c> in tokenizer_config.json, default right).</summary>
    public PaddingSide PaddingSide { get; set; }

    /// <summary>Side that loses tokens when truncating (from <c>truncation_side</c>, default right).</summary>
    public TruncationSide TruncationSide { get; set; }

    /// <summary>Default for decoding: remove spaces before punctuation (<c>clean_up_tokenization_spaces</c>).</summary>
    public bool CleanUpTokenizationSpaces { get; set; }

    /// <summary>Beginning-of-sequence token, if the tokenizer has one.</summary>
    public string? BosToken => Special(SpecialTokenRole.Bos);

    /// <summary>End-of-sequence token, if any.</summary>
    public string? EosToken => Special(SpecialTokenRole.Eos);

    /// <summary>Unknown token, if any.</summary>
    public string? UnkToken => Special(SpecialTokenRole.Unk);

    /// <summary>Separator token (BERT <c>[SEP]</c>), if any.</summary>
    public string? SepToken => Special(SpecialTokenRole.Sep);

    /// <summary>Padding token, if any.</summary>
    public string? PadToken => Special(SpecialTokenRole.Pad);

    /// <summary>Classifier token (BERT <c>[CLS]</c>), if any.</summary>
    public string? ClsToken => Special(SpecialTokenRole.Cls);

    /// <summary>Mask token (BERT <c>[MASK]</c>), if any.</summary>
    public string? MaskToken => Special(SpecialTokenRole.Mask);

    /// <summary>Id of <see cref="BosToken"/>.</summary>
    public int? BosTokenId => SpecialId(SpecialTokenRole.Bos);

    /// <summary>Id of <see cref="EosToken"/>.</summary>
    public int? EosTokenId => SpecialId(SpecialTokenRole.Eos);

    /// <summary>Id of <see cref="UnkToken"/>.</summary>
    public int? UnkTokenId => SpecialId(SpecialTokenRole.Unk);

    /// <summary>Id of <see cref="SepToken"/>.</summary>
    public int? SepTokenId => SpecialId(SpecialTokenRole.Sep);

    /// <summary>Id of <see cref="PadToken"/>.</summary>
    public int? PadTokenId => SpecialId(SpecialTokenRole.Pad);

    /// <summary>Id of <see cref="ClsToken"/>.</summary>
    public int? ClsTokenId => SpecialId(SpecialTokenRole.Cls);

    /// <summary>Id of <see cref="MaskToken"/>.</summary>
    public int? MaskTokenId => SpecialId(SpecialTokenRole.Mask);

    /// <summary>Additional special tokens (e.g. <c>&lt;image&gt;</c>, T5 <c>&lt;extra_id_N&gt;</c>).</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens => additionalSpecialTokens.Select(t => t.Content).ToList();

    /// <summary>Every special token, in Hugging Face order (bos, eos, unk, sep, pad, cls, mask, additional), without duplicates.</summary>
    public IReadOnlyList<string> AllSpecialTokens => AllSpecialTokensExtended().Select(t => t.Content).ToList();

    /// <summary>Ids of <see cref="AllSpecialTokens"/>.</summary>
    public IReadOnlyList<int> AllSpecialIds => AllSpecialTokens.Select(ConvertTokenToId).ToList();

    /// <summary>Added tokens by id (Hugging Face <c>added_tokens_decoder</c>).</summary>
    public IReadOnlyDictionary<int, AddedToken> AddedTokensDecoder => new SortedDictionary<int, AddedToken>(addedTokensDecoder);

    /// <summary>Splits text into tokens as Hugging Face <c>tokenizer.tokenize(text)</c> returns them (no special tokens added).</summary>
    /// <param name="text">Text to split.</param>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TokenizeCore(text);
    }

    /// <summary>Id of one token: added tokens first, then the model vocabulary, else the unknown token's id.</summary>
    /// <param name="token">Token string as returned by <see cref="Tokenize(string)"/>.</param>
    public int ConvertTokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (addedTokensEncoder.TryGetValue(token, out int id))
        {
            return id;
        }

        if (ModelTokenToId(token) is int modelId)
        {
            return modelId;
        }

        string unk = UnkToken ?? throw new KeyNotFoundException($"Token '{token}' is not in the vocabulary and the tokenizer has no unknown token.");
        return (addedTokensEncoder.TryGetValue(unk, out int unkId) ? unkId : ModelTokenToId(unk))
            ?? throw new KeyNotFoundException($"Token '{token}' is not in the vocabulary and neither is the unknown token '{unk}'.");
    }

    /// <summary>Ids of several tokens (see <see cref="ConvertTokenToId(string)"/>).</summary>
    /// <param name="tokens">Token strings.</param>
    public IReadOnlyList<int> ConvertTokensToIds(IEnumerable<string> tokens) => tokens.Select(ConvertTokenToId).ToList();

    /// <summary>Token string of an id (added tokens first, then the model vocabulary).</summary>
    /// <param name="id">Token id.</param>
    public string ConvertIdToToken(int id) =>
        addedTokensDecoder.TryGetValue(id, out AddedToken? token) ? token.Content : ModelIdToToken(id);

    /// <summary>Token strings of ids, optionally dropping special tokens (Hugging Face <c>convert_ids_to_tokens</c>).</summary>
    /// <param name="ids">Token ids.</param>
    /// <param name="skipSpecialTokens">Drop ids of <see cref="AllSpecialIds"/>.</param>
    public IReadOnlyList<string> ConvertIdsToTokens(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        HashSet<int> special = skipSpecialTokens ? AllSpecialIds.ToHashSet() : [];
        return ids.Where(id => !special.Contains(id)).Select(ConvertIdToToken).ToList();
    }

    /// <summary>
    /// Adds tokens (Hugging Face <c>add_tokens</c>): each is matched whole in the text from now on. A token already in
    /// the vocabulary keeps its id; others get new ids after the current vocabulary.
    /// </summary>
    /// <param name="tokens">Tokens with their matching options.</param>
    /// <param name="specialTokens">Mark them special (they then join <see cref="AdditionalSpecialTokens"/>).</param>
    /// <returns>How many tokens got a new id.</returns>
    public int AddTokens(IEnumerable<AddedToken> tokens, bool specialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return AddTokensCore(tokens.Select(t => specialTokens ? t with { Special = true } : t));
    }

    /// <summary>Adds plain-string tokens (Hugging Face <c>add_tokens</c> with strings); already-added strings are skipped.</summary>
    /// <param name="tokens">Token strings.</param>
    /// <param name="specialTokens">Mark them special.</param>
    /// <returns>How many tokens got a new id.</returns>
    public int AddTokens(IEnumerable<string> tokens, bool specialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var special = AllSpecialTokens.ToHashSet(StringComparer.Ordinal);
        return AddTokensCore(tokens
            .Where(t => !addedTokensEncoder.ContainsKey(t))
            .Select(t =>
            {
                bool isSpecial = specialTokens || special.Contains(t);
                return new AddedToken(t) { Special = isSpecial, Normalized = !isSpecial };
            }));
    }

    /// <summary>
    /// Adds tokens as additional special tokens (Hugging Face <c>add_special_tokens({"additional_special_tokens": ...},
    /// replace_additional_special_tokens=False)</c>): they are never split and <c>skipSpecialTokens</c> drops them.
    /// </summary>
    /// <param name="tokens">Tokens to add.</param>
    /// <returns>How many tokens got a new id.</returns>
    public int AddSpecialTokens(IEnumerable<AddedToken> tokens) => AddTokens(tokens, specialTokens: true);

    /// <summary>Model tokenization of text that contains no added token (Hugging Face <c>_tokenize</c>).</summary>
    private protected abstract IReadOnlyList<string> TokenizeText(string text);

    /// <summary>Id of a token in the model vocabulary, or <see langword="null"/> when it is not there.</summary>
    private protected abstract int? ModelTokenToId(string token);

    /// <summary>Model vocabulary token of an id; throws for ids outside the vocabulary unless the model maps them to unk.</summary>
    private protected abstract string ModelIdToToken(int id);

    /// <summary>Joins model tokens back into text (Hugging Face <c>convert_tokens_to_string</c>).</summary>
    private protected abstract string ConvertTokensToString(IReadOnlyList<string> tokens);

    /// <summary>Text preprocessing before splitting on added tokens (GPT-2 <c>add_prefix_space</c>).</summary>
    private protected virtual string PrepareForTokenization(string text) => text;

    /// <summary>Whether non-special text is lower-cased before splitting (BERT <c>do_lower_case</c>).</summary>
    private protected virtual bool LowercasesInput => false;

    /// <summary>The whole Hugging Face <c>tokenize</c>; T5 wraps it for <c>legacy=False</c>.</summary>
    private protected virtual List<string> TokenizeCore(string text) => TokenizeWithAddedTokens(text);

    /// <summary>Hugging Face <c>PreTrainedTokenizer.tokenize</c>: split on added tokens, model-tokenize the rest.</summary>
    private protected List<string> TokenizeWithAddedTokens(string text)
    {
        text = PrepareForTokenization(text);
        if (LowercasesInput)
        {
            text = LowercaseOutsideSpecialTokens(text);
        }

        var tokens = new List<string>();
        foreach (AddedTokenSplitter.Piece piece in splitter.Split(text))
        {
            if (piece.IsAddedToken)
            {
                tokens.Add(piece.Text);
            }
            else
            {
                tokens.AddRange(TokenizeText(piece.Text));
            }
        }

        return tokens;
    }

    /// <summary>
    /// Sets the special-token attributes and registers those that are not added tokens yet (the end of
    /// <c>PreTrainedTokenizer.__init__</c>); derived constructors call this once their vocabulary is loaded.
    /// </summary>
    private protected void InitializeSpecialTokens(IReadOnlyDictionary<SpecialTokenRole, AddedToken?> roles,
        IEnumerable<AddedToken>? additional)
    {
        foreach ((SpecialTokenRole role, AddedToken? token) in roles)
        {
            if (token is not null)
            {
                specialTokens[role] = token;
            }
        }

        foreach (AddedToken token in additional ?? [])
        {
            if (!additionalSpecialTokens.Any(t => t.Content == token.Content))
            {
                additionalSpecialTokens.Add(token);
            }
        }

        AddTokensCore(AllSpecialTokensExtended()
            .Where(t => !addedTokensEncoder.ContainsKey(t.Content))
            .Select(t => t with { Special = true }));
        RebuildMatchers();
    }

    /// <summary>Hugging Face <c>_add_tokens</c> for tokens already shaped (special flag set, strings converted).</summary>
    private int AddTokensCore(IEnumerable<AddedToken> tokens)
    {
        int nextId = Count;
        int added = 0;
        foreach (AddedToken original in tokens)
        {
            AddedToken token = original;
            if (token.Content.Length == 0)
            {
                continue;
            }

            if (!token.Special && token.Normalized && LowercasesInput)
            {
                token = token with { Content = PythonText.Lower(token.Content) };
            }

            int id;
            if (addedTokensEncoder.TryGetValue(token.Content, out int existing))
            {
                id = existing;
            }
            else if (ModelTokenToId(token.Content) is int modelId)
            {
                id = modelId;
            }
            else
            {
                id = nextId + added;
                added++;
            }

            if (token.Special && !AllSpecialTokens.Contains(token.Content))
            {
                additionalSpecialTokens.Add(token);
            }

            addedTokensDecoder[id] = token;
            addedTokensEncoder[token.Content] = id;
        }

        RebuildMatchers();
        return added;
    }

    /// <summary>Every special-token attribute from <paramref name="args"/>, with the model class defaults for absent keys.</summary>
    private protected static Dictionary<SpecialTokenRole, AddedToken?> SpecialTokensFrom(TokenizerInitArgs args,
        IReadOnlyDictionary<SpecialTokenRole, string> defaults) =>
        SpecialTokenRoles.All.ToDictionary(role => role, role => args.SpecialToken(role, defaults.GetValueOrDefault(role)));

    private IEnumerable<AddedToken> AllSpecialTokensExtended()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (SpecialTokenRole role in SpecialTokenRoles.All)
        {
            if (specialTokens.TryGetValue(role, out AddedToken? token) && seen.Add(token.Content))
            {
                yield return token;
            }
        }

        foreach (AddedToken token in additionalSpecialTokens)
        {
            if (seen.Add(token.Content))
            {
                yield return token;
            }
        }
    }

    private void RebuildMatchers()
    {
        splitter = new AddedTokenSplitter(addedTokensDecoder.Values);
        lowercaseOutsideSpecialTokens = null;
    }

    // BERT-style do_lower_case: HF lower-cases everything except special tokens and non-special normalized added
    // tokens with re.sub("(tok1|tok2|...)|(.+?)"), i.e. first alternative in list order wins at each position.
    private string LowercaseOutsideSpecialTokens(string text)
    {
        lowercaseOutsideSpecialTokens ??= BuildLowercaseGuard();
        return lowercaseOutsideSpecialTokens.Replace(text, m => m.Groups[1].Success ? m.Value : PythonText.Lower(m.Value));
    }

    private Regex BuildLowercaseGuard()
    {
        IEnumerable<string> protectedTokens = AllSpecialTokens
            .Concat(addedTokensDecoder.Values.Where(t => !t.Special && t.Normalized).Select(t => t.Content));
        string alternatives = string.Join("|", protectedTokens.Select(Regex.Escape));
        string guard = alternatives.Length == 0 ? "(?!)" : alternatives;
        return new Regex($"({guard})|([\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|.)", RegexOptions.CultureInvariant);
    }

    private string? Special(SpecialTokenRole role) => specialTokens.TryGetValue(role, out AddedToken? token) ? token.Content : null;

    private int? SpecialId(SpecialTokenRole role) => Special(role) is string token ? ConvertTokenToId(token) : null;
}
