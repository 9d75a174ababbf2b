namespace Blip2.Trainers;

/// <summary>Why a run ended.</summary>
public enum TrainingStopReason
{
    /// <summary>All epochs (or <see cref="QFormerTrainingOptions.MaxSteps"/>) were trained.</summary>
    Completed,

    /// <summary>The validation loss stopped improving for <see cref="QFormerTrainingOptions.EarlyStoppingPatience"/> validations.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; training stopped between two steps.</summary>
    Cancelled,
}
