namespace Blip2.FineTune;

/// <summary>The pipeline's output row (only the generated caption is read).</summary>
public sealed class CaptionPrediction
{
    /// <summary>The generated caption.</summary>
    public string Predicted { get; set; } = string.Empty;
}
