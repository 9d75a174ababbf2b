using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.Loading;
using Microsoft.ML.Blip2.Modeling.Outputs;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>
/// The Querying Transformer: learned queries (and optionally text) attend to each other and, every
/// <c>cross_attention_frequency</c> layers, to the frozen image features. Module tree = Hugging Face
/// <c>Blip2QFormerModel</c> (<c>layernorm</c>, <c>encoder.layer.N</c>).
/// </summary>
public sealed class Blip2QFormerModel : Blip2Module
{
    /// <summary>Hugging Face's additive value for masked self-attention positions in the Q-Former.</summary>
    public const double SelfAttentionMaskFill = -10000.0;

#pragma warning disable IDE1006
    private readonly LayerNorm layernorm;
    private readonly QFormerEncoder encoder;
#pragma warning restore IDE1006

    /// <summary>Creates a model with uninitialised placeholder weights.</summary>
    public Blip2QFormerModel(Blip2QFormerConfig config, ModuleOptions? options = null) : base(nameof(Blip2QFormerModel))
    {
        options ??= ModuleOptions.Default;
        Config = config;
        layernorm = new LayerNorm(config.HiddenSize, config.LayerNormEps, options);
        encoder = new QFormerEncoder(config, options);
        RegisterComponents();
    }

    /// <summary>The configuration the model was built from.</summary>
    public Blip2QFormerConfig Config { get; }

    /// <summary>Loads a checkpoint saved as <c>Blip2QFormerModel</c> (keys without prefix).</summary>
    public static Blip2QFormerModel FromPretrained(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var config = Blip2QFormerConfig.FromDirectory(directory);
        return PretrainedLoader.Load(directory, new ModuleOptions(device, dtype), o => new Blip2QFormerModel(config, o), LoadPlan.Strict);
    }

    /// <summary>
    /// Runs the Q-Former on <paramref name="queryEmbeds"/> <c>[B, T, H]</c> whose first <paramref name="queryLength"/>
    /// positions are queries (all of them when null).
    /// </summary>
    /// <param name="queryEmbeds">Query tokens, optionally followed by text embeddings.</param>
    /// <param name="queryLength">How many leading positions are queries (they cross-attend and use the query FFN).</param>
    /// <param name="attentionMask">0/1 mask <c>[B, T]</c> over all positions; none masked when null.</param>
    /// <param name="encoderHiddenStates">Image features <c>[B, S, encoder_hidden_size]</c> for cross-attention.</param>
    /// <param name="encoderAttentionMask">0/1 mask <c>[B, S]</c> over image features; none masked when null.</param>
    /// <param name="textAttention">How the text positions attend; <see cref="QFormerTextAttention.Bidirectional"/> by default.</param>
    public QFormerOutput Forward(Tensor queryEmbeds, long? queryLength = null, Tensor? attentionMask = null,
        Tensor? encoderHiddenStates = null, Tensor? encoderAttentionMask = null,
        QFormerTextAttention textAttention = QFormerTextAttention.Bidirectional)
    {
        using var mode = InferenceMode.Enter(this);
        using var scope = NewDisposeScope();
        var embedded = layernorm.Forward(queryEmbeds);
        var dtype = embedded.dtype;
        long queries = queryLength ?? queryEmbeds.shape[1];
        var selfBias = textAttention switch
        {
            QFormerTextAttention.Bidirectional => attentionMask is null ? null : AttentionMath.PaddingBias(attentionMask, dtype, SelfAttentionMaskFill),
            QFormerTextAttention.Causal => CausalTextBias(attentionMask, embedded.shape[0], embedded.shape[1], queries, dtype, embedded.device),
            _ => throw new ArgumentOutOfRangeException(nameof(textAttention), textAttention, "Not a defined Q-Former text attention mode."),
        };
        var encoderBias = encoderAttentionMask is null ? null
            : AttentionMath.PaddingBias(encoderAttentionMask, dtype, AttentionMath.MinValue(dtype));
        var last = encoder.Forward(embedded, selfBias, encoderHiddenStates, encoderBias, queries);
        var output = new QFormerOutput(last, last.select(1, 0));
        output.MoveToOuterScope();
        return output;
    }

    // LAVIS BertModel.get_extended_attention_mask(is_decoder=True, has_query=True): a 0/1 visibility matrix (query rows:
    // query columns only; text row t: every query column and text columns ≤ t) times the padding mask, then
    // (1 − m)·(−10000) as for the bidirectional mask. [B, 1, T, T].
    private static Tensor CausalTextBias(Tensor? attentionMask, long batch, long length, long queryLength, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        var rows = arange(length, dtype: ScalarType.Int64, device: device).unsqueeze(1);
        var columns = arange(length, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        var queryColumn = columns.lt(queryLength);
        var visible = rows.lt(queryLength).logical_and(queryColumn)
            .logical_or(rows.ge(queryLength).logical_and(queryColumn.logical_or(columns.le(rows))));
        var allowed = visible.to(dtype).unsqueeze(0);
        if (attentionMask is not null)
        {
            if (attentionMask.shape[0] != batch || attentionMask.shape[1] != length)
                throw new ArgumentException($"attention mask shape [{string.Join(", ", attentionMask.shape)}] does not match the input [{batch}, {length}].", nameof(attentionMask));
            allowed = allowed * attentionMask.to(dtype).unsqueeze(1);
        }
        return ((1.0 - allowed) * SelfAttentionMaskFill).unsqueeze(1).MoveToOuterDisposeScope();
    }
}
