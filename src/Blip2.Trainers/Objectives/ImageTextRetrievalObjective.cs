using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using static TorchSharp.torch;

namespace Blip2.Trainers.Objectives;

/// <summary>
/// BLIP-2 stage-1 losses of LAVIS <c>Blip2Qformer.forward</c> on one device, for <see cref="Blip2ForImageTextRetrieval"/>:
/// <list type="bullet">
/// <item>ITC: image features = normalised <c>vision_projection</c> of every query output, text feature = normalised
/// <c>text_projection</c> of the first text position; image–text similarity = max over queries of the cosine, divided by
/// the learnable temperature; loss = mean of the image→text and text→image cross-entropies against the diagonal,
/// with label smoothing.</item>
/// <item>ITM: for each text a negative image and for each image a negative text are drawn with probabilities
/// softmax(similarity) + 1e-4 (diagonal excluded); the Q-Former sees [queries ; text] for (positive pairs, text with its
/// negative image, image with its negative text); logits = <c>itm_head</c> averaged over the query positions; loss =
/// cross-entropy against match / no-match.</item>
/// </list>
/// Total loss = ITC + ITM. ITG (image-grounded generation) is not included: it needs the Q-Former language-model head
/// (<c>cls.predictions</c>), which Hugging Face retrieval checkpoints do not contain.
/// </summary>
internal sealed class ImageTextRetrievalObjective : TrainingObjective
{
    private readonly Blip2ForImageTextRetrieval _model;
    private readonly RetrievalModelParts _parts;
    private readonly double _labelSmoothing;

    public ImageTextRetrievalObjective(Blip2ForImageTextRetrieval model, double initialTemperature, double labelSmoothing)
    {
        _model = model;
        _parts = new RetrievalModelParts(model);
        _labelSmoothing = labelSmoothing;
        var device = _parts.QueryTokens.device;
        Temperature = new Parameter(full([], initialTemperature, ScalarType.Float32, device), requires_grad: false);
    }

    /// <summary>The learnable temperature (0-d), owned by the objective, named <c>temp</c> as in LAVIS.</summary>
    public Parameter Temperature { get; }

    /// <inheritdoc />
    public override nn.Module Model => _model;

    /// <inheritdoc />
    public override Microsoft.ML.Blip2.Modeling.Vision.Blip2VisionModel VisionModel => _parts.Vision;

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, Parameter Value)> OwnParameters => [("temp", Temperature)];

    /// <inheritdoc />
    public override long TargetCount(TrainingBatch batch) => batch.Size;

    /// <inheritdoc />
    public override ObjectiveOutput Compute(TrainingBatch batch, Tensor imageEmbeds, Generator random)
    {
        long size = imageEmbeds.shape[0];
        if (size < 2)
            throw new ArgumentException($"Image-text contrastive and matching losses need at least 2 examples per batch (in-batch negatives), got {size}.", nameof(batch));
        var ids = batch.InputIds;
        var textMask = batch.AttentionMask;
        long queryCount = _parts.QueryTokens.shape[1];
        var imageMask = ones(size, imageEmbeds.shape[1], dtype: ScalarType.Int64, device: imageEmbeds.device);

        // ITC
        var queries = _parts.QueryTokens.expand(size, -1, -1);
        var queryOutput = _parts.QFormer.Forward(queries, encoderHiddenStates: imageEmbeds, encoderAttentionMask: imageMask);
        var imageFeatures = nn.functional.normalize(_parts.VisionProjection.Forward(queryOutput.LastHiddenState), dim: -1);
        var textOutput = _parts.QFormer.Forward(_parts.TextEmbeddings.Forward(ids), 0, textMask);
        var textFeature = nn.functional.normalize(_parts.TextProjection.Forward(textOutput.LastHiddenState.select(1, 0)), dim: -1);
        // [B_img, B_txt, Q] cosine of every query with every text, max over queries.
        var queryToText = imageFeatures.unsqueeze(1).matmul(textFeature.unsqueeze(-1)).squeeze(-1);
        var imageToText = queryToText.max(-1).values / Temperature;
        var textToImage = imageToText.t();
        var targets = arange(size, dtype: ScalarType.Int64, device: imageEmbeds.device);
        var itc = (nn.functional.cross_entropy(imageToText, targets, label_smoothing: _labelSmoothing)
                   + nn.functional.cross_entropy(textToImage, targets, label_smoothing: _labelSmoothing)) / 2;

        // ITM with hard negatives drawn from the similarities.
        Tensor negativeImages, negativeTexts;
        using (no_grad())
        {
            var diagonal = eye(size, dtype: ScalarType.Bool, device: imageEmbeds.device);
            var textToImageWeights = nn.functional.softmax(textToImage.detach(), 1).add(1e-4).masked_fill(diagonal, 0);
            var imageToTextWeights = nn.functional.softmax(imageToText.detach(), 1).add(1e-4).masked_fill(diagonal, 0);
            negativeImages = multinomial(textToImageWeights, 1, generator: random).squeeze(1);
            negativeTexts = multinomial(imageToTextWeights, 1, generator: random).squeeze(1);
        }
        var textIdsAll = cat([ids, ids, ids.index_select(0, negativeTexts)], 0);
        var textMaskAll = cat([textMask, textMask, textMask.index_select(0, negativeTexts)], 0);
        var imageEmbedsAll = cat([imageEmbeds, imageEmbeds.index_select(0, negativeImages), imageEmbeds], 0);
        long pairs = 3 * size;
        var queriesItm = _parts.QueryTokens.expand(pairs, -1, -1);
        var fullMask = cat([ones(pairs, queryCount, dtype: textMaskAll.dtype, device: textMaskAll.device), textMaskAll], 1);
        var imageMaskAll = ones(pairs, imageEmbeds.shape[1], dtype: ScalarType.Int64, device: imageEmbeds.device);
        var itmOutput = _parts.QFormer.Forward(_parts.TextEmbeddings.Forward(textIdsAll, queriesItm), queryCount, fullMask, imageEmbedsAll, imageMaskAll);
        var itmLogits = _parts.ItmHead.Forward(itmOutput.LastHiddenState.narrow(1, 0, queryCount)).mean([1L]);
        var itmLabels = cat([ones(size, dtype: ScalarType.Int64, device: itmLogits.device), zeros(2 * size, dtype: ScalarType.Int64, device: itmLogits.device)]);
        var itm = nn.functional.cross_entropy(itmLogits, itmLabels);

        long correct = itmLogits.argmax(-1).eq(itmLabels).sum().item<long>();
        var components = new Dictionary<string, double> { ["itc"] = itc.item<float>(), ["itm"] = itm.item<float>() };
        return new ObjectiveOutput(itc + itm, size, correct, pairs, components);
    }

    /// <inheritdoc />
    public override void Dispose() => Temperature.Dispose();
}
