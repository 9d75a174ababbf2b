namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Hugging Face's <c>early_stopping</c> for beam search, which json stores as <c>false</c>, <c>true</c> or <c>"never"</c>.
/// </summary>
public enum EarlyStoppingMode
{
    /// <summary><c>false</c> (the default): stop when a better hypothesis is unlikely, judged from the current best score.</summary>
    Heuristic = 0,

    /// <summary><c>true</c>: stop as soon as <c>num_beams</c> hypotheses are finished.</summary>
    WhenNumBeamsFinished = 1,

    /// <summary><c>"never"</c>: canonical beam search, stop only when no better hypothesis can exist.</summary>
    Never = 2,
}
