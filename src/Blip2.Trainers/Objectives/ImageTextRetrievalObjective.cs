using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Layers;
using Microsoft.ML.Blip2.Modeling.QFormer;
using static TorchSharp.torch;

namespace Blip2.Trainers.Objectives;

/// <summary>
/// BLIP-2 stage-1 losses of LAVIS <c>Blip2Qformer.forward</c> on one device, for <see cref="Blip2ForImageTextRetrieval"/>
/// (each optional, see <see cref="RetrievalObjectives"/>; the total is their sum):
/// <list type="bullet">
/// <item>ITC: image features = normalised <c>vision_projection</c> of every query output, text feature = normalised
/// <c>text_projection</c> of the first text position; image–text similarity = max over queries of the cosine, divided by
/// the learnable temperature; loss = mean of the image→text and text→image cross-entropies against the diagonal,
/// with label smoothing.</item>
/// <item>ITM: for each text a negative image and for each image a negative text are drawn with probabilities
/// softmax(similarity) + 1e-4 (diagonal excluded); the Q-Former sees [queries ; text] for (positive pairs, text with its
/// negative image, image with its negative text); logits = <c>itm_head</c> averaged over the query positions; loss =
/// cross-entropy against match / no-match.</item>
/// <item>ITG: decoder ids = the text ids with the first one replaced by the start token ([DEC]); the Q-Former runs
/// [queries ; decoder ids] with the causal text mask (queries see queries, text sees queries and earlier text — the
/// same numbers as LAVIS's query pass whose cached keys/values the text pass reads); the head
/// <c>cls.predictions</c> (decoder = word embeddings) predicts token t+1 at position t; loss = label-smoothed
/// cross-entropy over the non-padding targets. That pass's query outputs serve ITC, as LAVIS's query pass does.</item>
/// </list>
/// </summary>
internal sealed class ImageTextRetrievalObjective : TrainingObjective
{
    private const string GenerationHeadPrefix = "cls.predictions.";

    private readonly Blip2ForImageTextRetrieval _model;
    private readonly RetrievalModelParts _parts;
    private readonly RetrievalObjectives _losses;
    private readonly double _contrastiveSmoothing;
    private readonly double _generationSmoothing;
    private readonly long _startTokenId;
    private readonly QFormerPredictionHead? _generationHead;
    private readonly List<(string Name, Parameter Value)> _ownParameters = [];

    /// <exception cref="ArgumentException">ITG is requested without a start token, or with one outside the vocabulary.</exception>
    public ImageTextRetrievalObjective(Blip2ForImageTextRetrieval model, QFormerTrainingOptions options)
    {
        _model = model;
        _parts = new RetrievalModelParts(model);
        _losses = options.RetrievalObjectives;
        _contrastiveSmoothing = options.ContrastiveLabelSmoothing;
        _generationSmoothing = options.TextGenerationLabelSmoothing;
        var device = _parts.QueryTokens.device;
        if (_losses.HasFlag(RetrievalObjectives.ImageGroundedTextGeneration))
        {
            long vocabulary = model.Config.QFormerConfig.VocabSize;
            _startTokenId = options.TextGenerationStartTokenId ?? throw new ArgumentException(
                $"QFormerTrainingOptions.{nameof(QFormerTrainingOptions.TextGenerationStartTokenId)} must be set to train image-grounded text generation (LAVIS uses the Q-Former tokenizer's bos token [DEC]).",
                nameof(options));
            if (_startTokenId >= vocabulary)
                throw new ArgumentException(
                    $"QFormerTrainingOptions.{nameof(QFormerTrainingOptions.TextGenerationStartTokenId)} = {_startTokenId} is outside the Q-Former vocabulary (vocab_size {vocabulary}).",
                    nameof(options));
            _generationHead = QFormerPredictionHead.CreateInitialized(model.Config, options.Seed, new ModuleOptions(device, _parts.QueryTokens.dtype));
            _ownParameters.AddRange(_generationHead.named_parameters().Select(p => (GenerationHeadPrefix + p.name, p.parameter)));
        }
        Temperature = new Parameter(full([], options.ContrastiveTemperature, ScalarType.Float32, device), requires_grad: false);
        _ownParameters.Add(("temp", Temperature));
    }

    /// <summary>The learnable temperature (0-d), owned by the objective, named <c>temp</c> as in LAVIS.</summary>
    public Parameter Temperature { get; }

    /// <inheritdoc />
    public override nn.Module Model => _model;

    /// <inheritdoc />
    public override Microsoft.ML.Blip2.Modeling.Vision.Blip2VisionModel VisionModel => _parts.Vision;

    /// <summary><c>temp</c>, and with ITG the head's parameters under <c>cls.predictions.</c> (LAVIS's names).</summary>
    public override IReadOnlyList<(string Name, Parameter Value)> OwnParameters => _ownParameters;

    /// <inheritdoc />
    public override long TargetCount(TrainingBatch batch) => batch.Size;

    /// <inheritdoc />
    public override ObjectiveOutput Compute(TrainingBatch batch, Tensor imageEmbeds, Generator random)
    {
        long size = imageEmbeds.shape[0];
        bool contrastive = _losses.HasFlag(RetrievalObjectives.ImageTextContrastive);
        bool matching = _losses.HasFlag(RetrievalObjectives.ImageTextMatching);
        bool generation = _generationHead is not null;
        if ((contrastive || matching) && size < 2)
            throw new ArgumentException($"Image-text contrastive and matching losses need at least 2 examples per batch (in-batch negatives), got {size}.", nameof(batch));
        var imageMask = ones(size, imageEmbeds.shape[1], dtype: ScalarType.Int64, device: imageEmbeds.device);
        var queries = _parts.QueryTokens.expand(size, -1, -1);
        var components = new Dictionary<string, double>();
        Tensor? total = null;
        long correct = 0, predictions = 0;

        Tensor queryHidden;
        if (generation)
        {
            var (itg, hidden, tokenCorrect, tokens) = TextGeneration(batch, queries, imageEmbeds, imageMask);
            queryHidden = hidden;
            total = Add(total, itg, "itg", components);
            (correct, predictions) = (tokenCorrect, tokens);
        }
        else
        {
            queryHidden = _parts.QFormer.Forward(queries, encoderHiddenStates: imageEmbeds, encoderAttentionMask: imageMask).LastHiddenState;
        }

        if (contrastive || matching)
        {
            var imageToText = Similarities(batch, queryHidden);
            var targets = arange(size, dtype: ScalarType.Int64, device: imageEmbeds.device);
            if (contrastive)
            {
                var itc = (nn.functional.cross_entropy(imageToText, targets, label_smoothing: _contrastiveSmoothing)
                           + nn.functional.cross_entropy(imageToText.t(), targets, label_smoothing: _contrastiveSmoothing)) / 2;
                total = Add(total, itc, "itc", components);
                if (!matching && !generation)
                    (correct, predictions) = (imageToText.argmax(-1).eq(targets).sum().item<long>(), size);
            }
            if (matching)
            {
                var (itm, itmCorrect, pairs) = Matching(batch, imageEmbeds, imageToText.detach(), random);
                total = Add(total, itm, "itm", components);
                (correct, predictions) = (itmCorrect, pairs);
            }
        }
        return new ObjectiveOutput(total!, size, correct, predictions, components);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        Temperature.Dispose();
        _generationHead?.Dispose();
    }

    private static Tensor Add(Tensor? total, Tensor loss, string name, Dictionary<string, double> components)
    {
        components[name] = loss.item<float>();
        return total is null ? loss : total + loss;
    }

    // Image→text similarity [B_img, B_txt]: max over queries of the cosine of projected features, over the temperature.
    private Tensor Similarities(TrainingBatch batch, Tensor queryHidden)
    {
        var imageFeatures = nn.functional.normalize(_parts.VisionProjection.Forward(queryHidden), dim: -1);
        var textOutput = _parts.QFormer.Forward(_parts.TextEmbeddings.Forward(batch.InputIds), 0, batch.AttentionMask);
        var textFeature = nn.functional.normalize(_parts.TextProjection.Forward(textOutput.LastHiddenState.select(1, 0)), dim: -1);
        var queryToText = imageFeatures.unsqueeze(1).matmul(textFeature.unsqueeze(-1)).squeeze(-1); // [B_img, B_txt, Q]
        return queryToText.max(-1).values / Temperature;
    }

    private (Tensor Loss, long Correct, long Pairs) Matching(TrainingBatch batch, Tensor imageEmbeds, Tensor imageToText, Generator random)
    {
        long size = imageEmbeds.shape[0];
        var ids = batch.InputIds;
        var textMask = batch.AttentionMask;
        Tensor negativeImages, negativeTexts;
        using (no_grad())
        {
            var diagonal = eye(size, dtype: ScalarType.Bool, device: imageEmbeds.device);
            var textToImageWeights = nn.functional.softmax(imageToText.t(), 1).add(1e-4).masked_fill(diagonal, 0);
            var imageToTextWeights = nn.functional.softmax(imageToText, 1).add(1e-4).masked_fill(diagonal, 0);
            negativeImages = multinomial(textToImageWeights, 1, generator: random).squeeze(1);
            negativeTexts = multinomial(imageToTextWeights, 1, generator: random).squeeze(1);
        }
        // LAVIS order: positive pairs, texts with a negative image, images with a negative text.
        var textIdsAll = cat([ids, ids, ids.index_select(0, negativeTexts)], 0);
        var textMaskAll = cat([textMask, textMask, textMask.index_select(0, negativeTexts)], 0);
        var imageEmbedsAll = cat([imageEmbeds, imageEmbeds.index_select(0, negativeImages), imageEmbeds], 0);
        long pairs = 3 * size;
        long queryCount = _parts.QueryTokens.shape[1];
        var queries = _parts.QueryTokens.expand(pairs, -1, -1);
        var fullMask = cat([ones(pairs, queryCount, dtype: textMaskAll.dtype, device: textMaskAll.device), textMaskAll], 1);
        var imageMask = ones(pairs, imageEmbeds.shape[1], dtype: ScalarType.Int64, device: imageEmbeds.device);
        var output = _parts.QFormer.Forward(_parts.TextEmbeddings.Forward(textIdsAll, queries), queryCount, fullMask, imageEmbedsAll, imageMask);
        var logits = _parts.ItmHead.Forward(output.LastHiddenState.narrow(1, 0, queryCount)).mean([1L]);
        var labels = cat([ones(size, dtype: ScalarType.Int64, device: logits.device), zeros(2 * size, dtype: ScalarType.Int64, device: logits.device)]);
        var loss = nn.functional.cross_entropy(logits, labels);
        return (loss, logits.argmax(-1).eq(labels).sum().item<long>(), pairs);
    }

    private (Tensor Loss, Tensor QueryHidden, long Correct, long Tokens) TextGeneration(TrainingBatch batch, Tensor queries, Tensor imageEmbeds, Tensor imageMask)
    {
        var ids = batch.InputIds;
        var textMask = batch.AttentionMask;
        long size = ids.shape[0], length = ids.shape[1], queryCount = queries.shape[1];
        if (length < 2)
            throw new ArgumentException($"Image-grounded text generation needs texts of at least 2 tokens (a start token and a target), got length {length}.", nameof(batch));
        var decoderIds = ids.clone();
        decoderIds.select(1, 0).fill_(_startTokenId);
        // Targets: token t+1 at position t; padding (mask 0) is ignored, as LAVIS ignores pad-token targets.
        var targets = decoderIds.narrow(1, 1, length - 1).masked_fill(textMask.narrow(1, 1, length - 1).eq(0), -100);
        var mask = cat([ones(size, queryCount, dtype: textMask.dtype, device: textMask.device), textMask], 1);
        var output = _parts.QFormer.Forward(_parts.TextEmbeddings.Forward(decoderIds, queries), queryCount, mask, imageEmbeds, imageMask,
            QFormerTextAttention.Causal);
        var hidden = output.LastHiddenState;
        var logits = _generationHead!.Forward(hidden.narrow(1, queryCount, length - 1), _parts.WordEmbeddings);
        var flatTargets = targets.reshape(-1);
        long tokens = flatTargets.ne(-100).sum().item<long>();
        if (tokens == 0)
            throw new ArgumentException("Image-grounded text generation found no target tokens in the batch: every text is a single token.", nameof(batch));
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), flatTargets, ignore_index: -100, label_smoothing: _generationSmoothing);
        long correct;
        using (no_grad())
            correct = logits.argmax(-1).reshape(-1).eq(flatTargets).sum().item<long>();
        return (loss, hidden.narrow(1, 0, queryCount), correct, tokens);
    }
}
