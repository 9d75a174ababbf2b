using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// The OPT tokenizer of BLIP-2 OPT checkpoints: Hugging Face's slow <c>GPT2Tokenizer</c> (byte-level BPE) with the
/// checkpoint's settings, typically <c>&lt;/s&gt;</c> as BOS prepended to every text, <c>&lt;pad&gt;</c> for padding
/// and <c>&lt;image&gt;</c> as an added special token.
/// </summary>
/// <remarks>
/// Reads <c>vocab.json</c> + <c>merges.txt</c>, or <c>tokenizer.json</c> (its <c>model.vocab</c>/<c>model.merges</c>);
/// the BPE merges run in Microsoft.ML.Tokenizers with a code-point exact GPT-2 pre-tokenizer. Without a
/// tokenizer_config.json the GPT-2 defaults apply (<c>&lt;|endoftext|&gt;</c> as bos/eos/unk, no BOS added).
/// </remarks>
public sealed class OptTokenizer : Blip2Tokenizer
{
    private static readonly IReadOnlyDictionary<SpecialTokenRole, string> Defaults = new Dictionary<SpecialTokenRole, string>
    {
        [SpecialTokenRole.Bos] = "<|endoftext|>",
        [SpecialTokenRole.Eos] = "<|endoftext|>",
        [SpecialTokenRole.Unk] = "<|endoftext|>",
    };

    private readonly Dictionary<string, int> encoder;
    private readonly Dictionary<int, string> decoder;
    private readonly BpeTokenizer bpe;
    private readonly Encoding utf8;

    private OptTokenizer(TokenizerInitArgs args, BpeVocabulary vocabulary)
        : base(args)
    {
        encoder = vocabulary.Vocab;
        decoder = new Dictionary<int, string>(encoder.Count);
        foreach ((string token, int id) in encoder)
        {
            decoder[id] = token;
        }

        bpe = BpeTokenizer.Create(new BpeOptions(encoder)
        {
            Merges = vocabulary.Merges.Select(m => $"{m.Left} {m.Right}"),
            ByteLevel = true,
            PreTokenizer = Gpt2PreTokenizer.Instance,
        });
        AddBosToken = args.GetBool("add_bos_token", false);
        AddEosToken = args.GetBool("add_eos_token", false);
        AddPrefixSpace = args.GetBool("add_prefix_space", false);
        Errors = args.GetString("errors") ?? "replace";
        utf8 = Errors switch
        {
            "replace" => new UTF8Encoding(false, throwOnInvalidBytes: false),
            "strict" => new UTF8Encoding(false, throwOnInvalidBytes: true),
            "ignore" => Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback, new DecoderReplacementFallback(string.Empty)),
            _ => throw new NotSupportedException($"errors='{Errors}' in {TokenizerFiles.TokenizerConfig} of '{args.Directory}' is not supported (replace, strict or ignore)."),
        };
        InitializeSpecialTokens(SpecialTokensFrom(args, Defaults), args.AdditionalSpecialTokens);
    }

    /// <summary>Whether the BOS token is prepended to every sequence (<c>add_bos_token</c>; true for BLIP-2 OPT).</summary>
    public bool AddBosToken { get; }

    /// <summary>Whether the EOS token is appended to every sequence (<c>add_eos_token</c>, if the checkpoint sets it).</summary>
    public bool AddEosToken { get; }

    /// <summary>Whether a space is put before the text, so the first word is encoded like a word inside a sentence.</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>How invalid UTF-8 is decoded: <c>replace</c> (U+FFFD per bad sequence), <c>strict</c> (throw) or <c>ignore</c>.</summary>
    public string Errors { get; }

    /// <inheritdoc/>
    public override int VocabSize => encoder.Count;

    /// <summary>Loads the tokenizer files of a checkpoint directory.</summary>
    /// <param name="directory">Directory with vocab.json + merges.txt (or tokenizer.json) and usually tokenizer_config.json.</param>
    public static OptTokenizer FromDirectory(string directory)
    {
        TokenizerInitArgs args = TokenizerInitArgs.Load(directory);
        return new OptTokenizer(args, BpeVocabulary.Load(directory));
    }

    private protected override string PrepareForTokenization(string text) => AddPrefixSpace ? " " + text : text;

    private protected override IReadOnlyList<string> TokenizeText(string text) =>
        bpe.EncodeToTokens(text, out _).Select(t => t.Value).ToList();

    private protected override int? ModelTokenToId(string token) => encoder.TryGetValue(token, out int id) ? id : null;

    private protected override string ModelIdToToken(int id) =>
        decoder.TryGetValue(id, out string? token) ? token : throw new ArgumentOutOfRangeException(nameof(id), id, "Token id is not in the vocabulary.");

    private protected override string ConvertTokensToString(IReadOnlyList<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (string token in tokens)
        {
            foreach (char c in token)
            {
                if (!ByteLevelAlphabet.TryDecode(c, out byte b))
                {
                    throw new InvalidOperationException($"Token '{token}' contains '{c}', which is not a byte-level BPE character.");
                }

                bytes.Add(b);
            }
        }

        try
        {
            return utf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidOperationException($"Tokens decode to invalid UTF-8 and errors='strict': {e.Message}", e);
        }
    }

    private protected override List<int> BuildInputsWithSpecialTokens(List<int> ids, List<int>? pairIds)
    {
        var output = new List<int>();
        Append(output, ids);
        if (pairIds is not null)
        {
            Append(output, pairIds);
        }

        return output;
    }

    private void Append(List<int> output, List<int> ids)
    {
        if (AddBosToken)
        {
            output.Add(BosTokenId ?? throw new InvalidOperationException("add_bos_token is set but the tokenizer has no BOS token."));
        }

        output.AddRange(ids);
        if (AddEosToken)
        {
            output.Add(EosTokenId ?? throw new InvalidOperationException("add_eos_token is set but the tokenizer has no EOS token."));
        }
    }
}
