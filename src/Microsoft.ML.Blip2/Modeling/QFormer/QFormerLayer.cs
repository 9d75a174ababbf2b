using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.QFormer;

/// <summary>
/// One Q-Former layer: self-attention over [queries ; text], cross-attention of the query positions to the image
/// (every <c>cross_attention_frequency</c> layers), and separate feed-forward blocks for query and text positions.
/// </summary>
public sealed class QFormerLayer : Blip2Module
{
#pragma warning disable IDE1006
    private readonly QFormerAttention attention;
    private readonly QFormerAttention? crossattention;
    private readonly QFormerIntermediate? intermediate;
    private readonly QFormerResidualOutput? output;
    private readonly QFormerIntermediate intermediate_query;
    private readonly QFormerResidualOutput output_query;
#pragma warning restore IDE1006
    private readonly int _index;

    /// <summary>Creates placeholder layer number <paramref name="index"/>.</summary>
    public QFormerLayer(Blip2QFormerConfig config, int index, ModuleOptions options) : base(nameof(QFormerLayer))
    {
        _index = index;
        attention = new QFormerAttention(config, false, options);
        if (index % config.CrossAttentionFrequency == 0)
            crossattention = new QFormerAttention(config, true, options);
        if (config.UseQformerTextInput)
        {
            intermediate = new QFormerIntermediate(config, options);
            output = new QFormerResidualOutput(config, config.IntermediateSize, options);
        }
        intermediate_query = new QFormerIntermediate(config, options);
        output_query = new QFormerResidualOutput(config, config.IntermediateSize, options);
        RegisterComponents();
    }

    /// <summary>True when this layer cross-attends to the image.</summary>
    public bool HasCrossAttention => crossattention is not null;

    /// <summary>Applies the layer; the first <paramref name="queryLength"/> positions are queries.</summary>
    public Tensor Forward(Tensor hidden, Tensor? selfBias, Tensor? encoderHidden, Tensor? encoderBias, long queryLength)
    {
        using var scope = NewDisposeScope();
        var attended = attention.Forward(hidden, selfBias);
        long length = attended.shape[1];
        Tensor result;
        if (queryLength > 0)
        {
            var queries = attended.narrow(1, 0, queryLength);
            if (crossattention is not null)
            {
                if (encoderHidden is null)
                    throw new ArgumentException($"Q-Former layer {_index} cross-attends to the image, but no image features were given.");
                queries = crossattention.Forward(queries, encoderBias, encoderHidden);
            }
            result = output_query.Forward(intermediate_query.Forward(queries), queries);
            if (length > queryLength)
                result = cat([result, TextFeedForward(attended.narrow(1, queryLength, length - queryLength))], 1);
        }
        else
        {
            result = TextFeedForward(attended);
        }
        return result.MoveToOuterDisposeScope();
    }

    private Tensor TextFeedForward(Tensor text)
    {
        if (intermediate is null || output is null)
            throw new InvalidOperationException(
                "This Q-Former has no text feed-forward blocks (qformer_config.use_qformer_text_input is false), so it cannot process text positions.");
        return output.Forward(intermediate.Forward(text), text);
    }
}
