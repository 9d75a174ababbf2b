using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// SentencePiece encoding as Python <c>sentencepiece</c>'s <c>encode(text, out_type=str)</c> does it: normalization
/// (precompiled charsmap, whitespace handling, dummy prefix) by Microsoft.ML.Tokenizers, then the unigram Viterbi of
/// <see cref="UnigramSegmenter"/>, then runs of unknown characters merged into one piece.
/// </summary>
/// <remarks>
/// Gaps of Microsoft.ML.Tokenizers 2.0.1 worked around here: <c>SentencePieceTokenizer.Create</c> throws
/// IndexOutOfRange for models with <c>bos_id = -1</c> (all T5 models), so <c>bos_id</c> is rewritten in memory to an
/// existing id (nothing here ever adds a BOS); its segmentation yields one unknown token per unknown character where
/// sentencepiece fuses the run; and its Viterbi resolves near-ties differently from sentencepiece's float/double
/// arithmetic (e.g. "1,000" as "0"+"00" instead of "00"+"0"), so only its normalization is used.
/// </remarks>
internal sealed class SentencePieceEncoder
{
    private readonly SentencePieceTokenizer tokenizer;
    private readonly UnigramSegmenter segmenter;
    private readonly int unkId;

    /// <param name="model">Parsed model.</param>
    /// <param name="addDummyPrefix">Override of <c>normalizer_spec.add_dummy_prefix</c> (T5 <c>legacy=False</c> turns it off).</param>
    public SentencePieceEncoder(SentencePieceModelProto model, bool? addDummyPrefix)
    {
        if (model.ModelType != 1)
        {
            throw new NotSupportedException($"Only unigram SentencePiece models are supported; {model.Source} has model_type {model.ModelType}.");
        }

        int validBosId = new[] { model.PadId, model.EosId, model.UnkId }.First(id => id >= 0 && id < model.Pieces.Count);
        byte[] patched = model.Rewrite(model.BosId >= 0 && model.BosId < model.Pieces.Count ? model.BosId : validBosId, addDummyPrefix);
        using var stream = new MemoryStream(patched, writable: false);
        tokenizer = SentencePieceTokenizer.Create(stream, false, false, null);
        segmenter = new UnigramSegmenter(model);
        unkId = model.UnkId;
    }

    /// <summary>The pieces of <paramref name="text"/> (unknown characters appear as their normalized surface text).</summary>
    public List<string> EncodePieces(string text)
    {
        // The normalized text of an encode call is sentencepiece's (the public Normalizer.Normalize skips the charsmap
        // and whitespace folding); the library's own segmentation is discarded.
        tokenizer.EncodeToTokens(text, out string? normalized, false, false);
        if (normalized is null)
        {
            throw new InvalidOperationException("Microsoft.ML.Tokenizers returned no normalized text for a SentencePiece encode.");
        }

        var pieces = new List<string>();
        bool previousUnknown = false;
        foreach ((int start, int length, int id) in segmenter.Segment(normalized))
        {
            string surface = normalized.Substring(start, length);
            bool unknown = id == unkId;
            if (unknown && previousUnknown)
            {
                pieces[^1] += surface;
            }
            else
            {
                pieces.Add(surface);
            }

            previousUnknown = unknown;
        }

        return pieces;
    }
}
