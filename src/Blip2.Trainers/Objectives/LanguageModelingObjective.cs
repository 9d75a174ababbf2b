using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Language;
using static TorchSharp.torch;

namespace Blip2.Trainers.Objectives;

/// <summary>
/// Captioning / VQA loss of <see cref="Blip2ForConditionalGeneration"/>, exactly as its Hugging Face forward with labels:
/// queries → Q-Former (cross-attending to the image features) → projection → language model. OPT: logits of the last
/// <c>labels.size(1)</c> positions, shifted by one, mean cross-entropy over labels ≠ −100. T5: decoder on the labels
/// shifted right (or the batch's decoder ids), mean cross-entropy over labels ≠ −100.
/// </summary>
internal sealed class LanguageModelingObjective(Blip2ForConditionalGeneration model) : TrainingObjective
{
    /// <inheritdoc />
    public override nn.Module Model => model;

    /// <inheritdoc />
    public override Microsoft.ML.Blip2.Modeling.Vision.Blip2VisionModel VisionModel => model.VisionModel;

    /// <inheritdoc />
    public override long TargetCount(TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        var labels = RequireLabels(batch);
        var scored = model.LanguageModel is CausalLanguageModel ? labels.narrow(1, 1, labels.shape[1] - 1) : labels;
        return scored.ne(OptTrainingCollator.IgnoreIndex).sum().item<long>();
    }

    /// <inheritdoc />
    public override ObjectiveOutput Compute(TrainingBatch batch, Tensor imageEmbeds, Generator random)
    {
        var labels = RequireLabels(batch);
        long size = imageEmbeds.shape[0];
        var queries = model.QueryTokens.expand(size, -1, -1);
        var imageMask = ones(size, imageEmbeds.shape[1], dtype: ScalarType.Int64, device: imageEmbeds.device);
        var queryOutput = model.QFormer.Forward(queries, encoderHiddenStates: imageEmbeds, encoderAttentionMask: imageMask);
        var projected = model.LanguageProjection.Forward(queryOutput.LastHiddenState);
        var (embeds, mask) = model.MergeImageAndText(projected, batch.InputIds, batch.AttentionMask, alwaysConcatenate: false);
        Tensor loss, predicted, targets;
        switch (model.LanguageModel)
        {
            case CausalLanguageModel causal:
            {
                var logits = causal.Forward(embeds, mask);
                long length = labels.shape[1];
                logits = logits.narrow(1, logits.shape[1] - length, length);
                loss = Blip2WithLanguageModel.ShiftedCrossEntropy(logits, labels);
                predicted = logits.narrow(1, 0, length - 1).argmax(-1);
                targets = labels.narrow(1, 1, length - 1);
                break;
            }
            case Seq2SeqLanguageModel seq2seq:
            {
                var (logits, seq2seqLoss, _) = seq2seq.Forward(embeds, mask, batch.DecoderInputIds, batch.DecoderAttentionMask, labels);
                loss = seq2seqLoss!;
                predicted = logits.argmax(-1);
                targets = labels;
                break;
            }
            default:
                throw new NotSupportedException($"Unsupported language model {model.LanguageModel.GetType().Name}.");
        }
        var scored = targets.ne(OptTrainingCollator.IgnoreIndex);
        long count = scored.sum().item<long>();
        if (count == 0)
            throw new InvalidOperationException("The batch has no label other than −100: there is nothing to learn (check the collator and the answers).");
        long correct = predicted.eq(targets).logical_and(scored).sum().item<long>();
        return new ObjectiveOutput(loss, count, correct, count, new Dictionary<string, double>());
    }

    private static Tensor RequireLabels(TrainingBatch batch) =>
        batch.Labels ?? throw new ArgumentException("Language-model training needs labels in every batch (TrainingBatch.Labels is null).", nameof(batch));
}
