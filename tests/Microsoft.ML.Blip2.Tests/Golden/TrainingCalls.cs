using System.Text.Json;
using Blip2.Trainers;
using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>
/// Golden training-step calls (<c>train_*</c> cases): three optimisation steps on one batch through the trainers'
/// public step API (<see cref="QFormerTrainingSession"/>), comparing losses, gradients of the watched parameters, the
/// global gradient norm and the parameters after each AdamW update.
/// </summary>
public static class TrainingCalls
{
    private const int Steps = 3;

    /// <summary>Runs one training call.</summary>
    public static void Run(GoldenCall call)
    {
        var training = call.Case.Json.GetProperty("training");
        var optimizer = training.GetProperty("optimizer");
        Assert.AreEqual("torch.optim.AdamW", optimizer.GetProperty("class").GetString(), $"{call.Case.Name}: optimizer class");
        Assert.IsFalse(optimizer.GetProperty("amsgrad").GetBoolean(), $"{call.Case.Name}: amsgrad is not supported");
        var betas = optimizer.GetProperty("betas");
        var options = new QFormerTrainingOptions
        {
            LearningRate = optimizer.GetProperty("lr").GetDouble(),
            Beta1 = betas[0].GetDouble(),
            Beta2 = betas[1].GetDouble(),
            Epsilon = optimizer.GetProperty("eps").GetDouble(),
            WeightDecay = optimizer.GetProperty("weight_decay").GetDouble(),
            DecayBiasAndNorm = true, // one parameter group: torch decays every trainable parameter
            Schedule = LearningRateScheduleKind.Constant,
            WarmupSteps = 0,
            MaxGradientNorm = null,
            Freeze = FrozenComponents.VisionAndLanguageModel,
        };

        using var model = Blip2ForConditionalGeneration.FromPretrained(call.Case.ModelDirectory);
        using var session = QFormerTrainingSession.Create(model, options);
        CheckParameterSplit(call, training, session);

        using var batch = new TrainingBatch(call.Input("pixel_values")!, call.Input("input_ids")!, call.Input("attention_mask")!, call.Input("labels"));
        var watched = training.GetProperty("watched_parameters").EnumerateArray().Select(e => e.GetString()!).ToList();
        using var scope = NewDisposeScope();
        var produced = new Dictionary<string, Tensor>();
        for (int k = 0; k < Steps; k++)
        {
            var statistics = session.ComputeLossAndGradients(batch);
            produced[$"step{k}.loss"] = tensor((float)statistics.Loss);
            foreach (var name in watched) produced[$"step{k}.grad.{name}"] = session.GetGradient(name);
            produced[$"step{k}.grad_global_norm"] = tensor((float)session.GradientGlobalNorm());
            session.OptimizerStep();
            foreach (var name in watched) produced[$"update{k + 1}.{name}"] = session.GetParameter(name);
        }
        produced[$"step{Steps}.loss"] = tensor((float)session.EvaluateBatch(batch).Loss);
        ModelCalls.CompareOutputs(call, produced);
    }

    private static void CheckParameterSplit(GoldenCall call, JsonElement training, QFormerTrainingSession session)
    {
        var expected = training.GetProperty("trainable_parameters").EnumerateArray().Select(e => e.GetString()!).ToList();
        CollectionAssert.AreEquivalent(expected, session.TrainableParameterNames.ToList(), $"{call.Case.Name}: trainable parameters");
        Assert.AreEqual(training.GetProperty("trainable_numel").GetInt64(), session.TrainableElementCount, $"{call.Case.Name}: trainable_numel");
        Assert.AreEqual(training.GetProperty("frozen_numel").GetInt64(), session.FrozenElementCount, $"{call.Case.Name}: frozen_numel");
    }
}
