using System.Text.Json.Nodes;

namespace Blip2.Trainers.Checkpointing;

/// <summary>The small JSON part of a checkpoint (<c>trainer_state.json</c>): counters, positions and the options fingerprint.</summary>
/// <param name="Step">Optimizer updates applied.</param>
/// <param name="Position">Data position after the last update.</param>
/// <param name="TrainExampleCount">Examples per epoch of the training source (resume needs the same data).</param>
/// <param name="BestValidationLoss">Lowest validation loss so far, or null.</param>
/// <param name="ValidationsWithoutImprovement">Consecutive validations without a new best (early stopping).</param>
/// <param name="OptimizerSteps">Per trained parameter, the AdamW step count t.</param>
/// <param name="Options">The options that determine the continuation (see <see cref="OptionsFingerprint"/>).</param>
internal sealed record TrainerState(
    long Step,
    TrainingPosition Position,
    int TrainExampleCount,
    double? BestValidationLoss,
    int ValidationsWithoutImprovement,
    IReadOnlyDictionary<string, long> OptimizerSteps,
    JsonObject Options);
