using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.QFormer;
using Microsoft.ML.Blip2.Modeling.Vision;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>
/// ITG (image-grounded text generation) of retrieval training: the loss against LAVIS's formula computed independently in
/// float64 from the model's public parts, what it trains, and how it fails.
/// </summary>
[TestClass]
public sealed class ImageGroundedTextGenerationTests
{
    private const long StartToken = 98; // the golden vocabulary has 99 ids; LAVIS's [DEC] is the last one too
    private const int Seed = 5;

    [TestMethod]
    public void LossEqualsLabelSmoothedNextTokenCrossEntropyOverNonPaddingTargets()
    {
        using var model = Blip2ForImageTextRetrieval.FromPretrained(GoldenFiles.ItmModel);
        using var inputs = GoldenFiles.Inputs("itm");
        using var pixels = inputs.LoadTensorCopy("pixel_values");
        using var ids = inputs.LoadTensorCopy("itm_input_ids");
        using var mask = inputs.LoadTensorCopy("itm_attention_mask");
        Assert.IsTrue(mask.eq(0).any().item<bool>(), "the golden batch must contain padding");

        var options = new QFormerTrainingOptions
        {
            Schedule = LearningRateScheduleKind.Constant,
            RetrievalObjectives = RetrievalObjectives.ImageGroundedTextGeneration,
            TextGenerationStartTokenId = StartToken,
            Seed = Seed,
        };
        double expected = IndependentLoss(model, pixels, ids, mask, smoothing: options.TextGenerationLabelSmoothing, out long targets);

        using var session = QFormerTrainingSession.Create(model, options);
        using var batch = new TrainingBatch(pixels.clone(), ids.clone(), mask.clone());
        var statistics = session.EvaluateBatch(batch);
        CollectionAssert.AreEquivalent(new[] { "itg" }, statistics.Components.Keys.ToList());
        Assert.AreEqual(expected, statistics.Components["itg"], 1e-5, "ITG");
        Assert.AreEqual(expected, statistics.Loss, 1e-5, "ITG alone is the loss");
        Assert.AreEqual(targets, statistics.Predictions, "token accuracy is over the non-padding targets");
    }

    [TestMethod]
    public void ContrastiveAndMatchingLossesAreUnchangedByAddingGeneration()
    {
        using var model = Blip2ForImageTextRetrieval.FromPretrained(GoldenFiles.ItmModel);
        using var batch = GoldenFiles.ItmBatch();
        var options = new QFormerTrainingOptions { Schedule = LearningRateScheduleKind.Constant, TextGenerationStartTokenId = StartToken };

        IReadOnlyDictionary<string, double> without, with;
        using (var session = QFormerTrainingSession.Create(model, options))
            without = session.EvaluateBatch(batch).Components;
        using (var session = QFormerTrainingSession.Create(model, options with { RetrievalObjectives = RetrievalObjectives.All }))
            with = session.EvaluateBatch(batch).Components;

        // With ITG the query outputs come from the causal [queries ; text] pass; they must equal the query-only pass.
        Assert.AreEqual(without["itc"], with["itc"], 1e-6, "ITC");
        Assert.AreEqual(without["itm"], with["itm"], 1e-6, "ITM");
        Assert.IsTrue(with.ContainsKey("itg"));
    }

    [TestMethod]
    public void GenerationTrainsItsHeadAndTheTiedWordEmbeddingsButNotTheContrastiveOrMatchingHeads()
    {
        using var model = TinyBlip2.CreateRetrieval();
        var options = new QFormerTrainingOptions
        {
            Schedule = LearningRateScheduleKind.Constant,
            RetrievalObjectives = RetrievalObjectives.ImageGroundedTextGeneration,
            TextGenerationStartTokenId = 3,
        };
        using var session = QFormerTrainingSession.Create(model, options);
        foreach (var name in new[] { "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias",
                     "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias", "cls.predictions.bias" })
            CollectionAssert.Contains(session.TrainableParameterNames.ToList(), name);
        CollectionAssert.DoesNotContain(session.TrainableParameterNames.ToList(), "cls.predictions.decoder.weight", "the decoder is the word embeddings");

        using var batch = new TrainingBatch(randn(3, 3, TinyBlip2.ImageSize, TinyBlip2.ImageSize),
            tensor(new long[] { 1, 4, 7, 2, 1, 5, 2, 0, 1, 6, 9, 2 }, [3, 4]), tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1 }, [3, 4]));
        session.ComputeLossAndGradients(batch);
        foreach (var name in new[] { "embeddings.word_embeddings.weight", "cls.predictions.transform.dense.weight", "query_tokens", "qformer.encoder.layer.0.crossattention.attention.query.weight" })
        {
            using var gradient = session.GetGradient(name);
            Assert.IsGreaterThan(0f, gradient.abs().max().item<float>(), $"{name} has a gradient");
        }
        foreach (var name in new[] { "itm_head.weight", "vision_projection.weight", "text_projection.weight" })
            Assert.ThrowsExactly<ArgumentException>(() => session.GetGradient(name).Dispose(), $"{name} gets no gradient from ITG");
    }

    [TestMethod]
    public void MissingOrOutOfVocabularyStartTokenIsRejectedNamingTheOption()
    {
        using var model = TinyBlip2.CreateRetrieval();
        var options = new QFormerTrainingOptions { RetrievalObjectives = RetrievalObjectives.All, Schedule = LearningRateScheduleKind.Constant };
        var missing = Assert.ThrowsExactly<ArgumentException>(() => QFormerTrainingSession.Create(model, options).Dispose());
        StringAssert.Contains(missing.Message, nameof(QFormerTrainingOptions.TextGenerationStartTokenId));
        StringAssert.Contains(missing.Message, "[DEC]");
        var outside = Assert.ThrowsExactly<ArgumentException>(() => QFormerTrainingSession.Create(model, options with { TextGenerationStartTokenId = 16 }).Dispose());
        StringAssert.Contains(outside.Message, "vocab_size 16");
    }

    [TestMethod]
    public void SingleTokenTextsHaveNothingToPredict()
    {
        using var model = TinyBlip2.CreateRetrieval();
        using var session = QFormerTrainingSession.Create(model, new QFormerTrainingOptions
        {
            RetrievalObjectives = RetrievalObjectives.ImageGroundedTextGeneration,
            TextGenerationStartTokenId = 3,
            Schedule = LearningRateScheduleKind.Constant,
        });
        using var batch = new TrainingBatch(zeros(2, 3, TinyBlip2.ImageSize, TinyBlip2.ImageSize), ones(2, 1, dtype: ScalarType.Int64), ones(2, 1, dtype: ScalarType.Int64));
        var e = Assert.ThrowsExactly<ArgumentException>(() => session.ComputeLossAndGradients(batch));
        StringAssert.Contains(e.Message, "at least 2 tokens");
    }

    // LAVIS: decoder ids = ids with [DEC] first; the Q-Former sees [queries ; decoder ids] (causal text, verified by the
    // core library's tests); logits of position t predict token t+1; padding targets are ignored; label smoothing ε:
    // loss_t = −Σ_k q_k log softmax(z_t)_k with q = (1−ε)·onehot + ε/V; mean over the targets. Computed here in float64
    // from the model's public modules and a head built as the objective builds it (same seed).
    private static double IndependentLoss(Blip2ForImageTextRetrieval model, Tensor pixels, Tensor ids, Tensor mask, double smoothing, out long targets)
    {
        using var scope = NewDisposeScope();
        using var head = QFormerPredictionHead.CreateInitialized(model.Config, Seed);
        var children = model.named_children().ToDictionary(c => c.name, c => c.module);
        var queryTokens = model.named_parameters().Single(p => p.name == "query_tokens").parameter;
        var wordEmbeddings = model.named_parameters().Single(p => p.name == "embeddings.word_embeddings.weight").parameter;
        long size = ids.shape[0], length = ids.shape[1], queryCount = queryTokens.shape[1];

        var image = ((Blip2VisionModel)children["vision_model"]).Forward(pixels).LastHiddenState;
        var decoderIds = ids.clone();
        decoderIds[.., 0] = StartToken;
        var queries = queryTokens.expand(size, -1, -1);
        var fullMask = cat([ones(size, queryCount, dtype: ScalarType.Int64), mask], 1);
        var hidden = ((Blip2QFormerModel)children["qformer"]).Forward(((QFormerTextEmbeddings)children["embeddings"]).Forward(decoderIds, queries),
            queryCount, fullMask, image, ones(size, image.shape[1], dtype: ScalarType.Int64), QFormerTextAttention.Causal).LastHiddenState;
        var logits = head.Forward(hidden.narrow(1, queryCount, length), wordEmbeddings).to(ScalarType.Float64);
        long vocabulary = logits.shape[^1];
        var logProbabilities = logits.log_softmax(-1);

        double total = 0;
        targets = 0;
        for (long row = 0; row < size; row++)
        for (long t = 0; t + 1 < length; t++)
        {
            if (mask[row, t + 1].item<long>() == 0) continue;
            long target = decoderIds[row, t + 1].item<long>();
            var lp = logProbabilities[row, t];
            total -= (1 - smoothing) * lp[target].item<double>() + smoothing / vocabulary * lp.sum().item<double>();
            targets++;
        }
        return total / targets;
    }
}
