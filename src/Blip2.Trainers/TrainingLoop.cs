using System.Diagnostics;
using Blip2.Trainers.Checkpointing;
using Blip2.Trainers.Data;
using Blip2.Trainers.Metrics;

namespace Blip2.Trainers;

/// <summary>One run of <see cref="QFormerTrainer"/>: epochs of accumulated steps, validation, early stopping, checkpoints, progress.</summary>
internal sealed class TrainingLoop(QFormerTrainingSession session, TrainingPlan plan, ITrainingBatchSource train,
    ITrainingBatchSource? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
{
    private readonly QFormerTrainingOptions _options = plan.Options;
    private readonly List<double> _losses = [];
    private readonly List<string> _checkpoints = [];
    private TrainingPosition _position = TrainingPosition.Start;
    private double? _bestValidationLoss;
    private int _validationsWithoutImprovement;
    private EvaluationMetrics? _lastValidation;
    private long _lastValidationStep = -1;
    private long _lastCheckpointStep = -1;
    private double _lastLoss = double.NaN;
    private double _lastAccuracy = double.NaN;

    /// <summary>Restores the session and the loop counters from a checkpoint.</summary>
    public void RestoreFrom(string checkpoint)
    {
        var state = session.LoadCheckpoint(checkpoint);
        if (state.TrainExampleCount != plan.ExampleCount)
            throw new ArgumentException(
                $"Cannot resume from {checkpoint}: it was trained on {state.TrainExampleCount} examples per epoch, the training source has {plan.ExampleCount}.", "train");
        _position = state.Position;
        _bestValidationLoss = state.BestValidationLoss;
        _validationsWithoutImprovement = state.ValidationsWithoutImprovement;
        _lastCheckpointStep = state.Step;
    }

    public TrainingResult Run()
    {
        var clock = Stopwatch.StartNew();
        long firstStep = session.Step;
        long examples = 0;
        var stop = TrainingStopReason.Completed;
        while (session.Step < plan.TotalSteps && stop == TrainingStopReason.Completed)
        {
            int epoch = _position.Epoch;
            using var batches = train.ReadEpoch(epoch, _options.BatchSize).GetEnumerator();
            SkipConsumed(batches, epoch);
            while (session.Step < plan.TotalSteps && _position.BatchesConsumed < plan.BatchesPerEpoch)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    stop = TrainingStopReason.Cancelled;
                    break;
                }
                var group = ReadGroup(batches, epoch);
                StepStatistics step;
                try
                {
                    step = TrainOneStep(group);
                }
                finally
                {
                    foreach (var b in group) b.Dispose();
                }
                examples += step.Examples;
                int consumed = _position.BatchesConsumed + group.Count;
                _position = consumed == plan.BatchesPerEpoch ? new TrainingPosition(epoch + 1, 0) : new TrainingPosition(epoch, consumed);
                bool epochEnded = _position.Epoch != epoch;
                EvaluationMetrics? validated = ValidationDue(epochEnded) ? Validate() : null;
                if (validated is not null && EarlyStoppingTriggered()) stop = TrainingStopReason.EarlyStopped;
                if (_options.CheckpointEverySteps is int every && session.Step % every == 0) Checkpoint();
                Report(step, epoch, validated, clock.Elapsed, examples, firstStep);
                if (stop != TrainingStopReason.Completed || epochEnded) break;
            }
        }
        if (stop == TrainingStopReason.Cancelled && _options.CheckpointDirectory is not null && _lastCheckpointStep != session.Step && session.Step > 0)
            Checkpoint();
        if (validation is not null && _lastValidationStep != session.Step && stop != TrainingStopReason.Cancelled)
            Validate();
        return new TrainingResult(session.Step, plan.TotalSteps, stop, _lastLoss, _lastAccuracy, _lastValidation, _bestValidationLoss,
            _losses, _checkpoints, clock.Elapsed, session.MeasureMemory());
    }

    private void SkipConsumed(IEnumerator<TrainingBatch> batches, int epoch)
    {
        for (int i = 0; i < _position.BatchesConsumed; i++)
        {
            if (!batches.MoveNext())
                throw new InvalidOperationException($"Epoch {epoch} of the training source ended after {i} batches, before the resume position {_position.BatchesConsumed}.");
            batches.Current.Dispose();
        }
    }

    private List<TrainingBatch> ReadGroup(IEnumerator<TrainingBatch> batches, int epoch)
    {
        int size = Math.Min(_options.GradientAccumulationSteps, plan.BatchesPerEpoch - _position.BatchesConsumed);
        var group = new List<TrainingBatch>(size);
        while (group.Count < size)
        {
            if (!batches.MoveNext())
            {
                foreach (var b in group) b.Dispose();
                throw new InvalidOperationException(
                    $"Epoch {epoch} of the training source ended after {_position.BatchesConsumed + group.Count} batches; " +
                    $"{plan.ExampleCount} examples in batches of {_options.BatchSize} must give {plan.BatchesPerEpoch}.");
            }
            group.Add(batches.Current);
        }
        return group;
    }

    // Each batch's gradient is scaled by its share of the group's targets, so the accumulated gradient is that of the
    // union of the batches (mean over all their targets).
    private StepStatistics TrainOneStep(IReadOnlyList<TrainingBatch> group)
    {
        var counts = group.Select(session.TargetCount).ToList();
        long total = counts.Sum();
        if (total == 0) throw new InvalidOperationException($"Step {session.Step + 1}: its batches contain no targets (every label is −100).");
        var statistics = group.Select((batch, i) => session.ComputeLossAndGradients(batch, (double)counts[i] / total, train)).ToList();
        var update = session.OptimizerStep();
        var aggregate = EvaluationMetrics.Aggregate(statistics);
        _lastLoss = aggregate.Loss;
        _lastAccuracy = aggregate.Accuracy;
        _losses.Add(aggregate.Loss);
        return new StepStatistics(aggregate.Loss, aggregate.Accuracy, update.LearningRate, update.GradientNorm, aggregate.Examples, aggregate.LossComponents);
    }

    private bool ValidationDue(bool epochEnded) => validation is not null
        && (_options.ValidateEverySteps is int every ? session.Step % every == 0 : epochEnded);

    private EvaluationMetrics Validate()
    {
        var metrics = session.Evaluate(validation!, _options.BatchSize);
        _lastValidation = metrics;
        _lastValidationStep = session.Step;
        if (_bestValidationLoss is not double best || metrics.Loss < best)
        {
            _bestValidationLoss = metrics.Loss;
            _validationsWithoutImprovement = 0;
        }
        else
        {
            _validationsWithoutImprovement++;
        }
        return metrics;
    }

    private bool EarlyStoppingTriggered() =>
        _options.EarlyStoppingPatience is int patience && _validationsWithoutImprovement >= patience;

    private void Checkpoint()
    {
        string folder = session.SaveCheckpoint(_options.CheckpointDirectory!, _position, plan.ExampleCount, _bestValidationLoss, _validationsWithoutImprovement);
        _checkpoints.Add(folder);
        _lastCheckpointStep = session.Step;
    }

    private void Report(StepStatistics step, int epoch, EvaluationMetrics? validated, TimeSpan elapsed, long examples, long firstStep)
    {
        if (progress is null) return;
        long done = session.Step - firstStep;
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        var remaining = TimeSpan.FromSeconds(seconds / Math.Max(done, 1) * (plan.TotalSteps - session.Step));
        progress.Report(new TrainingProgress(session.Step, plan.TotalSteps, epoch, step.Loss, step.Accuracy, step.LearningRate,
            step.GradientNorm, examples / seconds, elapsed, remaining, session.MeasureMemory(), validated) { LossComponents = step.LossComponents });
    }

    private sealed record StepStatistics(double Loss, double Accuracy, double LearningRate, double GradientNorm, long Examples,
        IReadOnlyDictionary<string, double> LossComponents);
}
