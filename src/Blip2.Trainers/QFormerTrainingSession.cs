using System.Diagnostics;
using Blip2.Trainers.Checkpointing;
using Blip2.Trainers.Data;
using Blip2.Trainers.Metrics;
using Blip2.Trainers.Objectives;
using Blip2.Trainers.Optimization;
using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Modeling;
using static TorchSharp.torch;

namespace Blip2.Trainers;

/// <summary>
/// Step-level training of a BLIP-2 model: forward + backward on a batch (gradients accumulate), inspection of gradients,
/// one AdamW update with the scheduled learning rate and optional clipping, evaluation, checkpoints.
/// <see cref="QFormerTrainer"/> drives a whole run with it; use it directly for custom loops.
/// </summary>
/// <remarks>
/// Creating a session freezes the parameters <see cref="QFormerTrainingOptions.Freeze"/> names and gives every trained
/// parameter memory of its own; the model is switched to training mode (autograd on: BLIP-2 has no dropout, so the
/// numbers equal eval mode) and back to eval mode when the session is disposed. The trained weights stay in the model.
/// Each call runs in its own dispose scope, so no tensor outlives a step except parameters, gradients, optimizer
/// state and cached image features.
/// </remarks>
public sealed class QFormerTrainingSession : IDisposable
{
    private readonly TrainingObjective _objective;
    private readonly TrainableParameterSet _parameters;
    private readonly ImageFeatureProvider _images;
    private readonly AdamW _optimizer;
    private readonly LearningRateSchedule _schedule;
    private readonly Dictionary<string, Parameter> _byName;
    private int _microBatchesSinceUpdate;
    private bool _disposed;

    private QFormerTrainingSession(TrainingObjective objective, QFormerTrainingOptions options, long? totalSteps)
    {
        options.Validate();
        Options = options;
        _objective = objective;
        TotalSteps = totalSteps;
        _schedule = new LearningRateSchedule(options.LearningRate, options.MinLearningRate, options.Schedule, options.WarmupSteps, totalSteps);
        _parameters = TrainableParameterSet.Prepare(objective.Model, objective.OwnParameters, options.Freeze, options.DecayBiasAndNorm);
        try
        {
            _byName = objective.Model.named_parameters().Concat(objective.OwnParameters)
                .GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.Ordinal);
            _images = new ImageFeatureProvider(objective.VisionModel, options.Freeze.HasFlag(FrozenComponents.VisionModel), options.CacheImageFeatures);
            _optimizer = new AdamW(_parameters.Trained, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay);
        }
        catch
        {
            _parameters.Release();
            throw;
        }
        objective.Model.train();
    }

    /// <summary>Starts a captioning / VQA session (language-modelling loss) on <paramref name="model"/>.</summary>
    /// <param name="model">The model; its trained parameters are updated in place.</param>
    /// <param name="options">Training options (validated).</param>
    /// <param name="totalSteps">Total optimizer steps of the run; required for linear and cosine schedules.</param>
    public static QFormerTrainingSession Create(Blip2ForConditionalGeneration model, QFormerTrainingOptions options, long? totalSteps = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return new QFormerTrainingSession(new LanguageModelingObjective(model), options, totalSteps);
    }

    /// <summary>
    /// Starts an image–text retrieval session (the losses of <see cref="QFormerTrainingOptions.RetrievalObjectives"/>:
    /// ITC, ITM with hard negatives, ITG) on <paramref name="model"/>, with a learnable temperature named <c>temp</c> and,
    /// with ITG, the language-modelling head <c>cls.predictions.*</c> owned by the session (trained, checkpointed, not
    /// part of the model).
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid, or ITG lacks a valid <see cref="QFormerTrainingOptions.TextGenerationStartTokenId"/>.</exception>
    /// <param name="model">The model; its trained parameters are updated in place.</param>
    /// <param name="options">Training options (validated).</param>
    /// <param name="totalSteps">Total optimizer steps of the run; required for linear and cosine schedules.</param>
    public static QFormerTrainingSession Create(Blip2ForImageTextRetrieval model, QFormerTrainingOptions options, long? totalSteps = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var objective = new ImageTextRetrievalObjective(model, options);
        try
        {
            return new QFormerTrainingSession(objective, options, totalSteps);
        }
        catch
        {
            objective.Dispose();
            throw;
        }
    }

    /// <summary>The options of the session.</summary>
    public QFormerTrainingOptions Options { get; }

    /// <summary>Total optimizer steps the schedule was built for, when known.</summary>
    public long? TotalSteps { get; }

    /// <summary>Optimizer updates applied so far.</summary>
    public long Step { get; private set; }

    /// <summary>The learning rate the next update will use.</summary>
    public double LearningRate => _schedule.At(Step);

    /// <summary>Names of the trained parameters (tied aliases under their first name), in model order.</summary>
    public IReadOnlyList<string> TrainableParameterNames => _parameters.Trained.Select(p => p.Name).ToList();

    /// <summary>Names of the frozen parameters.</summary>
    public IReadOnlyList<string> FrozenParameterNames => _parameters.Frozen.Select(p => p.Name).ToList();

    /// <summary>Number of trained elements.</summary>
    public long TrainableElementCount => _parameters.Trained.Sum(p => p.Value.numel());

    /// <summary>Number of frozen elements.</summary>
    public long FrozenElementCount => _parameters.Frozen.Sum(p => p.Value.numel());

    /// <summary>Items the batch loss of <paramref name="batch"/> averages over (answer tokens, or examples for retrieval).</summary>
    public long TargetCount(TrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return _objective.TargetCount(batch);
    }

    /// <summary>
    /// Forward pass and backward pass of <c>loss · <paramref name="lossScale"/></c>: gradients are added to those already
    /// held (call <see cref="OptimizerStep"/> or <see cref="ZeroGradients"/> to start afresh). For gradient accumulation
    /// give each batch the scale <c>targets_of_batch / targets_of_all_accumulated_batches</c>, which makes the summed
    /// gradient that of one large batch.
    /// </summary>
    /// <param name="batch">The batch.</param>
    /// <param name="lossScale">Factor of the loss before the backward pass.</param>
    /// <param name="source">
    /// The source the batch came from: with <see cref="QFormerTrainingOptions.CacheImageFeatures"/> its image features are
    /// cached under (source, image key); null = no caching for this batch.
    /// </param>
    /// <returns>The unscaled batch loss and accuracy counts.</returns>
    public BatchStatistics ComputeLossAndGradients(TrainingBatch batch, double lossScale = 1.0, ITrainingBatchSource? source = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(batch);
        if (!double.IsFinite(lossScale) || lossScale <= 0)
            throw new ArgumentOutOfRangeException(nameof(lossScale), lossScale, "The loss scale must be a positive finite number.");
        using var scope = NewDisposeScope();
        using var random = StepGenerator(Step, _microBatchesSinceUpdate);
        var output = _objective.Compute(batch, _images.Embed(batch, source), random);
        double loss = output.Loss.item<float>();
        if (!double.IsFinite(loss))
            throw new InvalidOperationException($"The loss at step {Step} is {loss}; lower the learning rate or enable gradient clipping (MaxGradientNorm).");
        (lossScale == 1.0 ? output.Loss : output.Loss * lossScale).backward();
        _microBatchesSinceUpdate++;
        return new BatchStatistics(loss, output.Targets, output.Correct, output.Predictions, batch.Size, output.Components);
    }

    /// <summary>A copy of the current gradient of a trained parameter (state-dict name).</summary>
    /// <exception cref="ArgumentException">The name is not a trained parameter, or it has no gradient yet.</exception>
    public Tensor GetGradient(string name)
    {
        ThrowIfDisposed();
        var parameter = _parameters.Trained.FirstOrDefault(p => p.Name == name)?.Value
            ?? throw new ArgumentException($"'{name}' is not a trained parameter of this session.", nameof(name));
        using var scope = NewDisposeScope();
        var grad = parameter.grad
            ?? throw new ArgumentException($"Parameter '{name}' has no gradient: no backward pass reached it since the last update.", nameof(name));
        return grad.detach().clone().MoveToOuterDisposeScope();
    }

    /// <summary>A copy of the current value of any parameter of the model (or <c>temp</c> for retrieval), by state-dict name.</summary>
    public Tensor GetParameter(string name)
    {
        ThrowIfDisposed();
        var parameter = _byName.GetValueOrDefault(name)
            ?? throw new ArgumentException($"The model has no parameter named '{name}'.", nameof(name));
        using var scope = NewDisposeScope();
        return parameter.detach().clone().MoveToOuterDisposeScope();
    }

    /// <summary>Global L2 norm over the gradients of all trained parameters.</summary>
    public double GradientGlobalNorm()
    {
        ThrowIfDisposed();
        return GradientClipping.GlobalNorm(_parameters.Trained.Select(p => (Tensor)p.Value));
    }

    /// <summary>
    /// One update: clip to <see cref="QFormerTrainingOptions.MaxGradientNorm"/> (when set), AdamW with the scheduled
    /// learning rate, then clear the gradients.
    /// </summary>
    public OptimizerStepResult OptimizerStep()
    {
        ThrowIfDisposed();
        if (_microBatchesSinceUpdate == 0)
            throw new InvalidOperationException("OptimizerStep needs gradients: call ComputeLossAndGradients first.");
        var trained = _parameters.Trained.Select(p => (Tensor)p.Value).ToList();
        double norm;
        bool clipped = false;
        if (Options.MaxGradientNorm is double maxNorm)
        {
            norm = GradientClipping.ClipByGlobalNorm(trained, maxNorm);
            clipped = maxNorm / (norm + 1e-6) < 1;
        }
        else
        {
            norm = GradientClipping.GlobalNorm(trained);
        }
        double rate = LearningRate;
        _optimizer.Step(rate);
        ZeroGradients();
        Step++;
        return new OptimizerStepResult(Step, rate, norm, clipped);
    }

    /// <summary>Discards the accumulated gradients.</summary>
    public void ZeroGradients()
    {
        ThrowIfDisposed();
        _parameters.ZeroGradients();
        _microBatchesSinceUpdate = 0;
    }

    /// <summary>Loss and accuracy over <paramref name="source"/> (epoch 0, in order), without gradients.</summary>
    public EvaluationMetrics Evaluate(ITrainingBatchSource source, int batchSize)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(source);
        var statistics = new List<BatchStatistics>();
        int index = 0;
        foreach (var batch in source.ReadEpoch(0, batchSize))
        {
            using (batch)
            {
                statistics.Add(EvaluateCore(batch, index++, source));
            }
        }
        if (statistics.Count == 0) throw new InvalidOperationException("The evaluation source produced no batches.");
        return EvaluationMetrics.Aggregate(statistics);
    }

    /// <summary>Loss and accuracy of one batch, without gradients (image features are not cached).</summary>
    public BatchStatistics EvaluateBatch(TrainingBatch batch)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(batch);
        return EvaluateCore(batch, 0, null);
    }

    private BatchStatistics EvaluateCore(TrainingBatch batch, int batchIndex, ITrainingBatchSource? source)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Evaluation draws its hard negatives from a fixed stream, independent of the training step.
        using var random = StepGenerator(-1, batchIndex);
        var output = _objective.Compute(batch, _images.Embed(batch, source), random);
        return new BatchStatistics(output.Loss.item<float>(), output.Targets, output.Correct, output.Predictions, batch.Size, output.Components);
    }

    /// <summary>Memory held by the session now.</summary>
    public MemoryUsage MeasureMemory()
    {
        ThrowIfDisposed();
        using var process = Process.GetCurrentProcess();
        return new MemoryUsage(_parameters.TrainedBytes, _parameters.GradientBytes, _optimizer.StateBytes,
            _images.CachedBytes, _parameters.FrozenBytes, process.WorkingSet64);
    }

    /// <summary>Names and values of the trained parameters (live tensors: read, do not dispose).</summary>
    internal IEnumerable<KeyValuePair<string, Tensor>> TrainedTensors =>
        _parameters.Trained.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Value));

    internal string SaveCheckpoint(string directory, TrainingPosition position, int trainExampleCount, double? bestValidationLoss, int validationsWithoutImprovement)
    {
        ThrowIfDisposed();
        if (_microBatchesSinceUpdate != 0)
            throw new InvalidOperationException("A checkpoint can only be written between optimizer steps (gradients are pending).");
        var (optimizerTensors, steps) = _optimizer.ExportState();
        var state = new TrainerState(Step, position, trainExampleCount, bestValidationLoss, validationsWithoutImprovement, steps, OptionsFingerprint.Of(Options));
        using var scope = NewDisposeScope();
        var parameters = TrainedTensors.Select(p => new KeyValuePair<string, Tensor>(p.Key, p.Value.detach())).ToList();
        return TrainingCheckpoint.Write(directory, state, parameters, optimizerTensors);
    }

    internal TrainerState LoadCheckpoint(string checkpoint)
    {
        ThrowIfDisposed();
        var state = TrainingCheckpoint.ReadState(checkpoint);
        OptionsFingerprint.RequireSame(state.Options, Options, checkpoint);
        using (var file = SafetensorsFile.Open(Path.Combine(checkpoint, TrainingCheckpoint.ParametersFile)))
        {
            var expected = _parameters.Trained.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var stored = file.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            if (!expected.SetEquals(stored))
                throw new InvalidDataException(
                    $"{checkpoint}: trained parameters differ from this session's: missing [{string.Join(", ", expected.Except(stored))}], unexpected [{string.Join(", ", stored.Except(expected))}].");
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            foreach (var p in _parameters.Trained)
            {
                var value = file.LoadTensorCopy(p.Name);
                if (!value.shape.SequenceEqual(p.Value.shape))
                    throw new InvalidDataException($"{checkpoint}: '{p.Name}' has shape [{string.Join(",", value.shape)}], the model [{string.Join(",", p.Value.shape)}].");
                p.Value.copy_(value);
            }
        }
        using (var file = SafetensorsFile.Open(Path.Combine(checkpoint, TrainingCheckpoint.OptimizerFile)))
        {
            _optimizer.ImportState(name => file.Contains(name) ? file.LoadTensorCopy(name) : null, state.OptimizerSteps, checkpoint);
        }
        ZeroGradients();
        Step = state.Step;
        return state;
    }

    /// <summary>Restores eval mode, turns gradients off and frees optimizer state and cached features.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _parameters.Release();
        _objective.Model.eval();
        _optimizer.Dispose();
        _images.Dispose();
        _objective.Dispose();
    }

    // Every random choice of a micro-batch comes from a generator seeded by (seed, step, micro-batch), so a resumed run
    // draws exactly what the uninterrupted run drew.
    private Generator StepGenerator(long step, int microBatch)
    {
        ulong mixed = unchecked((ulong)Options.Seed * 0x9E3779B97F4A7C15UL ^ (ulong)(step + 1) * 0xBF58476D1CE4E5B9UL ^ (ulong)microBatch * 0x94D049BB133111EBUL);
        return new Generator(mixed, CPU);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
