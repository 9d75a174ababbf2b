namespace Microsoft.ML.Blip2.Generation;

/// <summary>When beam search stops (Hugging Face <c>early_stopping</c>: <c>False</c>, <c>True</c> or <c>"never"</c>).</summary>
public enum EarlyStopping
{
    /// <summary>Stop when no unfinished beam can beat the worst kept hypothesis at the current length (heuristic).</summary>
    Heuristic,
    /// <summary>Stop as soon as <c>NumBeams</c> hypotheses are finished.</summary>
    WhenBeamsFinished,
    /// <summary>Stop only when no better hypothesis is possible at any length up to the maximum (canonical beam search).</summary>
    Never,
}
