namespace Microsoft.ML.Blip2.Modeling.Loading;

/// <summary>A checkpoint does not match the model built from its config: lists every missing, unexpected and mis-shaped tensor.</summary>
public sealed class CheckpointMismatchException : IOException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointMismatchException(string checkpoint, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatchedShapes)
        : base(BuildMessage(checkpoint, missing, unexpected, mismatchedShapes))
    {
        Checkpoint = checkpoint;
        Missing = missing;
        Unexpected = unexpected;
        MismatchedShapes = mismatchedShapes;
    }

    /// <summary>The checkpoint directory or file.</summary>
    public string Checkpoint { get; }

    /// <summary>Parameters the model needs that the checkpoint lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Checkpoint tensors the model has no parameter for.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>"name: checkpoint [shape] vs model [shape]" entries.</summary>
    public IReadOnlyList<string> MismatchedShapes { get; }

    private static string BuildMessage(string checkpoint, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
    {
        var parts = new List<string> { $"Checkpoint '{checkpoint}' does not match the model built from its config." };
        if (missing.Count > 0) parts.Add($"Missing ({missing.Count}): {string.Join(", ", missing)}.");
        if (unexpected.Count > 0) parts.Add($"Unexpected ({unexpected.Count}): {string.Join(", ", unexpected)}.");
        if (mismatched.Count > 0) parts.Add($"Wrong shape ({mismatched.Count}): {string.Join("; ", mismatched)}.");
        return string.Join(" ", parts);
    }
}
