using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// The BERT tokenizer of BLIP-2's Q-Former text side (<c>bert-base-uncased</c>): Hugging Face's slow
/// <c>BertTokenizer</c>, i.e. basic tokenization (lower-casing, accent stripping, punctuation splitting) followed by
/// WordPiece over <c>vocab.txt</c>, with <c>[CLS] a [SEP]</c> / <c>[CLS] a [SEP] b [SEP]</c> and token type ids.
/// </summary>
/// <remarks>
/// The greedy WordPiece step runs in Microsoft.ML.Tokenizers; the basic tokenization is reimplemented because the
/// library's differs from transformers (see <see cref="BertBasicTokenizer"/>). Words longer than 100 code points
/// become [UNK], as in transformers.
/// </remarks>
public sealed class Blip2BertTokenizer : Blip2Tokenizer
{
    private const int MaxInputCharsPerWord = 100;

    private static readonly IReadOnlyDictionary<SpecialTokenRole, string> Defaults = new Dictionary<SpecialTokenRole, string>
    {
        [SpecialTokenRole.Unk] = "[UNK]",
        [SpecialTokenRole.Sep] = "[SEP]",
        [SpecialTokenRole.Pad] = "[PAD]",
        [SpecialTokenRole.Cls] = "[CLS]",
        [SpecialTokenRole.Mask] = "[MASK]",
    };

    private readonly Dictionary<string, int> vocab;
    private readonly Dictionary<int, string> idsToTokens;
    private readonly WordPieceTokenizer wordPiece;
    private readonly BertBasicTokenizer basic;
    private readonly HashSet<string> configuredNeverSplit;

    private Blip2BertTokenizer(TokenizerInitArgs args, List<string> vocabLines)
        : base(args)
    {
        vocab = new Dictionary<string, int>(vocabLines.Count, StringComparer.Ordinal);
        for (int i = 0; i < vocabLines.Count; i++)
        {
            vocab[vocabLines[i]] = i; // a repeated line keeps its last index, as load_vocab does
        }

        idsToTokens = vocab.ToDictionary(kv => kv.Value, kv => kv.Key);
        DoLowerCase = args.GetBool("do_lower_case", true);
        DoBasicTokenize = args.GetBool("do_basic_tokenize", true);
        StripAccents = args.GetNullableBool("strip_accents", null);
        TokenizeChineseChars = args.GetBool("tokenize_chinese_chars", true);
        basic = new BertBasicTokenizer(DoLowerCase, StripAccents, TokenizeChineseChars);
        configuredNeverSplit = ReadNeverSplit(args);
        InitializeSpecialTokens(SpecialTokensFrom(args, Defaults), args.AdditionalSpecialTokens);

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", vocabLines)));
        wordPiece = WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            PreTokenizer = WholeTextPreTokenizer.Instance,
            Normalizer = null,
            UnknownToken = UnkToken ?? "[UNK]",
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = 4 * MaxInputCharsPerWord, // the code-point limit is checked here
        });
    }

    /// <summary>Lower-case the text (<c>do_lower_case</c>, default true).</summary>
    public bool DoLowerCase { get; }

    /// <summary>Run basic tokenization before WordPiece (<c>do_basic_tokenize</c>, default true).</summary>
    public bool DoBasicTokenize { get; }

    /// <summary><c>strip_accents</c>: null follows <see cref="DoLowerCase"/>.</summary>
    public bool? StripAccents { get; }

    /// <summary>Put spaces around CJK ideographs (<c>tokenize_chinese_chars</c>, default true).</summary>
    public bool TokenizeChineseChars { get; }

    /// <inheritdoc/>
    public override int VocabSize => vocab.Count;

    /// <summary>Loads <c>vocab.txt</c> and the tokenizer settings of a checkpoint directory.</summary>
    /// <param name="directory">Directory with vocab.txt and usually tokenizer_config.json.</param>
    public static Blip2BertTokenizer FromDirectory(string directory)
    {
        TokenizerInitArgs args = TokenizerInitArgs.Load(directory);
        string vocabPath = TokenizerFiles.Require(directory, TokenizerFiles.WordPieceVocab, "WordPiece vocabulary");
        // Python text mode reads "\n", "\r\n" and "\r" as line ends; load_vocab then strips the "\n".
        string[] lines = File.ReadAllText(vocabPath).Split(["\r\n", "\n", "\r"], StringSplitOptions.None);
        List<string> tokens = lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1].ToList() : lines.ToList();
        return new Blip2BertTokenizer(args, tokens);
    }

    private protected override bool LowercasesInput => DoLowerCase;

    private protected override bool ReturnsTokenTypeIds => true;

    private protected override IReadOnlyList<string> TokenizeText(string text)
    {
        if (!DoBasicTokenize)
        {
            return WordPieces(text);
        }

        var neverSplit = new HashSet<string>(configuredNeverSplit, StringComparer.Ordinal);
        neverSplit.UnionWith(AllSpecialTokens);
        var tokens = new List<string>();
        foreach (string word in basic.Tokenize(text, neverSplit))
        {
            if (configuredNeverSplit.Contains(word))
            {
                tokens.Add(word);
            }
            else
            {
                tokens.AddRange(WordPieces(word));
            }
        }

        return tokens;
    }

    private List<string> WordPieces(string text)
    {
        var pieces = new List<string>();
        foreach (string word in PythonText.SplitOnWhitespace(text))
        {
            if (word.EnumerateRunes().Count() > MaxInputCharsPerWord)
            {
                pieces.Add(UnkToken ?? "[UNK]");
                continue;
            }

            pieces.AddRange(wordPiece.EncodeToTokens(word, out _).Select(t => t.Value));
        }

        return pieces;
    }

    private protected override int? ModelTokenToId(string token) => vocab.TryGetValue(token, out int id) ? id : null;

    private protected override string ModelIdToToken(int id) =>
        idsToTokens.TryGetValue(id, out string? token) ? token : UnkToken ?? throw new ArgumentOutOfRangeException(nameof(id), id, "Token id is not in the vocabulary.");

    private protected override string ConvertTokensToString(IReadOnlyList<string> tokens) =>
        PythonText.Strip(string.Join(" ", tokens).Replace(" ##", string.Empty, StringComparison.Ordinal));

    private protected override List<int> BuildInputsWithSpecialTokens(List<int> ids, List<int>? pairIds)
    {
        int cls = ClsTokenId ?? throw new InvalidOperationException("The BERT tokenizer has no [CLS] token.");
        int sep = SepTokenId ?? throw new InvalidOperationException("The BERT tokenizer has no [SEP] token.");
        List<int> output = [cls, .. ids, sep];
        if (pairIds is not null)
        {
            output.AddRange(pairIds);
            output.Add(sep);
        }

        return output;
    }

    private protected override List<int> CreateTokenTypeIds(List<int> ids, List<int>? pairIds)
    {
        List<int> types = Enumerable.Repeat(0, ids.Count + 2).ToList();
        if (pairIds is not null)
        {
            types.AddRange(Enumerable.Repeat(1, pairIds.Count + 1));
        }

        return types;
    }

    private static HashSet<string> ReadNeverSplit(TokenizerInitArgs args)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (args.Has("never_split"))
        {
            foreach (AddedToken token in args.GetTokenList("never_split"))
            {
                set.Add(token.Content);
            }
        }

        return set;
    }
}
