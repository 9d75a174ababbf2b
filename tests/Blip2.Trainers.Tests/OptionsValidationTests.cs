namespace Blip2.Trainers.Tests;

/// <summary>Every invalid option is rejected with an ArgumentException naming it.</summary>
[TestClass]
public sealed class OptionsValidationTests
{
    public static IEnumerable<object[]> BadOptions =>
    [
        [nameof(QFormerTrainingOptions.LearningRate), new QFormerTrainingOptions { LearningRate = 0 }],
        [nameof(QFormerTrainingOptions.LearningRate), new QFormerTrainingOptions { LearningRate = double.NaN }],
        [nameof(QFormerTrainingOptions.MinLearningRate), new QFormerTrainingOptions { LearningRate = 1e-4, MinLearningRate = 1e-3 }],
        [nameof(QFormerTrainingOptions.MinLearningRate), new QFormerTrainingOptions { MinLearningRate = -1 }],
        [nameof(QFormerTrainingOptions.Beta1), new QFormerTrainingOptions { Beta1 = 1 }],
        [nameof(QFormerTrainingOptions.Beta2), new QFormerTrainingOptions { Beta2 = -0.1 }],
        [nameof(QFormerTrainingOptions.Epsilon), new QFormerTrainingOptions { Epsilon = 0 }],
        [nameof(QFormerTrainingOptions.WeightDecay), new QFormerTrainingOptions { WeightDecay = -0.01 }],
        [nameof(QFormerTrainingOptions.WeightDecay), new QFormerTrainingOptions { LearningRate = 0.5, WeightDecay = 2 }],
        [nameof(QFormerTrainingOptions.WarmupSteps), new QFormerTrainingOptions { WarmupSteps = -1 }],
        [nameof(QFormerTrainingOptions.Schedule), new QFormerTrainingOptions { Schedule = (LearningRateScheduleKind)42 }],
        [nameof(QFormerTrainingOptions.MaxGradientNorm), new QFormerTrainingOptions { MaxGradientNorm = 0 }],
        [nameof(QFormerTrainingOptions.GradientAccumulationSteps), new QFormerTrainingOptions { GradientAccumulationSteps = 0 }],
        [nameof(QFormerTrainingOptions.BatchSize), new QFormerTrainingOptions { BatchSize = 0 }],
        [nameof(QFormerTrainingOptions.Epochs), new QFormerTrainingOptions { Epochs = 0 }],
        [nameof(QFormerTrainingOptions.MaxSteps), new QFormerTrainingOptions { MaxSteps = 0 }],
        [nameof(QFormerTrainingOptions.Freeze), new QFormerTrainingOptions { Freeze = (FrozenComponents)8 }],
        [nameof(QFormerTrainingOptions.CacheImageFeatures), new QFormerTrainingOptions { CacheImageFeatures = true, Freeze = FrozenComponents.LanguageModel }],
        [nameof(QFormerTrainingOptions.ValidateEverySteps), new QFormerTrainingOptions { ValidateEverySteps = 0 }],
        [nameof(QFormerTrainingOptions.EarlyStoppingPatience), new QFormerTrainingOptions { EarlyStoppingPatience = 0 }],
        [nameof(QFormerTrainingOptions.CheckpointEverySteps), new QFormerTrainingOptions { CheckpointEverySteps = 0, CheckpointDirectory = "x" }],
        [nameof(QFormerTrainingOptions.CheckpointDirectory), new QFormerTrainingOptions { CheckpointEverySteps = 10 }],
        [nameof(QFormerTrainingOptions.ContrastiveTemperature), new QFormerTrainingOptions { ContrastiveTemperature = 0 }],
        [nameof(QFormerTrainingOptions.ContrastiveLabelSmoothing), new QFormerTrainingOptions { ContrastiveLabelSmoothing = 1 }],
        [nameof(QFormerTrainingOptions.RetrievalObjectives), new QFormerTrainingOptions { RetrievalObjectives = 0 }],
        [nameof(QFormerTrainingOptions.RetrievalObjectives), new QFormerTrainingOptions { RetrievalObjectives = (RetrievalObjectives)8 }],
        [nameof(QFormerTrainingOptions.TextGenerationStartTokenId), new QFormerTrainingOptions { TextGenerationStartTokenId = -1 }],
        [nameof(QFormerTrainingOptions.TextGenerationLabelSmoothing), new QFormerTrainingOptions { TextGenerationLabelSmoothing = 1 }],
        [nameof(QFormerTrainingOptions.TextGenerationLabelSmoothing), new QFormerTrainingOptions { TextGenerationLabelSmoothing = -0.1 }],
    ];

    [TestMethod]
    [DynamicData(nameof(BadOptions))]
    public void InvalidOptionIsNamed(string option, QFormerTrainingOptions options)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(options.Validate);
        Assert.AreEqual(option, e.ParamName);
        StringAssert.Contains(e.Message, $"QFormerTrainingOptions.{option}");
        // The trainer validates on construction.
        Assert.ThrowsExactly<ArgumentException>(() => new QFormerTrainer(options));
    }

    [TestMethod]
    public void DefaultsAreValid()
    {
        var options = new QFormerTrainingOptions();
        options.Validate();
        Assert.AreEqual(FrozenComponents.VisionAndLanguageModel, options.Freeze);
        Assert.IsFalse(options.DecayBiasAndNorm);
    }
}
