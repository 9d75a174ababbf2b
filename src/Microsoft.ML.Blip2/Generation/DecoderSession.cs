using Microsoft.ML.Blip2.Modeling.Language;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation;

/// <summary>
/// The language-model side of a decoding loop: next-token logits <c>[N, V]</c> after each appended token, with or
/// without a key/value cache, and row selection for beam reordering. Owns its tensors.
/// </summary>
public abstract class DecoderSession : IDisposable
{
    /// <summary>Current number of rows.</summary>
    public abstract long Rows { get; }

    /// <summary>Logits of the next token: for the prompt when <paramref name="appended"/> is null, else after appending <c>[N]</c> tokens.</summary>
    public abstract Tensor NextLogits(Tensor? appended);

    /// <summary>Keeps rows <paramref name="rows"/> (in that order; may repeat rows, e.g. to expand for beams).</summary>
    public abstract void SelectRows(Tensor rows);

    /// <inheritdoc />
    public abstract void Dispose();

    /// <summary>Replaces a field tensor, detaching the new one from dispose scopes and freeing the old one.</summary>
    protected static void Swap(ref Tensor field, Tensor value)
    {
        value.DetachFromDisposeScope();
        if (!ReferenceEquals(field, value)) field.Dispose();
        field = value;
    }
}

/// <summary>Decoder-only decoding (OPT): the prompt is given as embeddings; each new token is embedded and appended.</summary>
public sealed class CausalDecoderSession : DecoderSession
{
    private readonly CausalLanguageModel _model;
    private readonly LanguageModelCache? _cache;
    private Tensor _mask;
    private Tensor _embeds;
    private bool _started;

    /// <summary>Starts a session on <c>[N, T, E]</c> prompt embeddings and their 0/1 mask.</summary>
    public CausalDecoderSession(CausalLanguageModel model, Tensor promptEmbeds, Tensor promptMask, bool useCache)
    {
        _model = model;
        _cache = useCache ? model.CreateCache() : null;
        _embeds = promptEmbeds.alias().DetachFromDisposeScope();
        _mask = promptMask.to(ScalarType.Int64).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public override long Rows => _mask.shape[0];

    /// <inheritdoc />
    public override Tensor NextLogits(Tensor? appended)
    {
        using var scope = NewDisposeScope();
        Tensor input;
        if (!_started || appended is null)
        {
            if (_started) throw new InvalidOperationException("The prompt was already consumed; pass the appended tokens.");
            input = _embeds;
            _started = true;
        }
        else
        {
            var newEmbeds = _model.EmbedTokens(appended.reshape(-1, 1));
            Swap(ref _mask, cat([_mask, ones(Rows, 1, dtype: ScalarType.Int64, device: _mask.device)], 1));
            if (_cache is null)
            {
                Swap(ref _embeds, cat([_embeds, newEmbeds.to(_embeds.dtype)], 1));
                input = _embeds;
            }
            else
            {
                input = newEmbeds;
            }
        }
        var logits = _model.Forward(input, _mask, _cache);
        return logits.select(1, -1).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void SelectRows(Tensor rows)
    {
        _cache?.SelectRows(rows);
        Swap(ref _mask, _mask.index_select(0, rows));
        Swap(ref _embeds, _embeds.index_select(0, rows));
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _cache?.Dispose();
        _mask.Dispose();
        _embeds.Dispose();
    }
}

/// <summary>Encoder–decoder decoding (T5): the encoder runs once; the decoder starts from <c>decoder_start_token_id</c>.</summary>
public sealed class Seq2SeqDecoderSession : DecoderSession
{
    private readonly Seq2SeqLanguageModel _model;
    private readonly LanguageModelCache? _cache;
    private Tensor _encoderHidden;
    private Tensor _encoderMask;
    private Tensor _decoderIds;
    private bool _started;

    /// <summary>Encodes <c>[N, S, D]</c> embeddings (with their 0/1 mask) and prepares the decoder.</summary>
    public Seq2SeqDecoderSession(Seq2SeqLanguageModel model, Tensor inputsEmbeds, Tensor attentionMask, bool useCache)
    {
        _model = model;
        _cache = useCache ? model.CreateCache() : null;
        _encoderHidden = model.Encode(inputsEmbeds, attentionMask).DetachFromDisposeScope();
        _encoderMask = attentionMask.to(ScalarType.Int64).DetachFromDisposeScope();
        _decoderIds = full([inputsEmbeds.shape[0], 1], model.DecoderStartTokenId, ScalarType.Int64, inputsEmbeds.device).DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public override long Rows => _decoderIds.shape[0];

    /// <summary>Decoder ids so far (<c>[N, T]</c>, starting with the start token); owned by the session.</summary>
    public Tensor DecoderIds => _decoderIds;

    /// <inheritdoc />
    public override Tensor NextLogits(Tensor? appended)
    {
        using var scope = NewDisposeScope();
        Tensor input;
        if (!_started)
        {
            if (appended is not null) throw new InvalidOperationException("The first step takes no appended tokens.");
            input = _decoderIds;
            _started = true;
        }
        else
        {
            if (appended is null) throw new InvalidOperationException("Pass the appended tokens.");
            Swap(ref _decoderIds, cat([_decoderIds, appended.reshape(-1, 1).to(ScalarType.Int64)], 1));
            input = _cache is null ? _decoderIds : appended.reshape(-1, 1);
        }
        var logits = _model.Decode(input, null, _encoderHidden, _encoderMask, _cache);
        return logits.select(1, -1).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override void SelectRows(Tensor rows)
    {
        _cache?.SelectRows(rows);
        Swap(ref _encoderHidden, _encoderHidden.index_select(0, rows));
        Swap(ref _encoderMask, _encoderMask.index_select(0, rows));
        Swap(ref _decoderIds, _decoderIds.index_select(0, rows));
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _cache?.Dispose();
        _encoderHidden.Dispose();
        _encoderMask.Dispose();
        _decoderIds.Dispose();
    }
}
