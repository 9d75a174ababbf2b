namespace Microsoft.ML.Blip2.Modeling.Initialization;

/// <summary>How one parameter tensor is filled by <see cref="ModelInitializer"/>.</summary>
internal abstract record ParameterInit
{
    /// <summary>Independent samples of N(0, <paramref name="Std"/>²).</summary>
    public sealed record Normal(double Std) : ParameterInit;

    /// <summary>N(0, <paramref name="Std"/>²) redrawn outside the absolute bounds [−2, 2] (<c>nn.init.trunc_normal_</c> defaults).</summary>
    public sealed record TruncatedNormal(double Std) : ParameterInit;

    /// <summary>Every element equal to <paramref name="Value"/> (zero biases, LayerNorm weights of one).</summary>
    public sealed record Constant(double Value) : ParameterInit;

    /// <summary>N(0, <paramref name="Std"/>²) with row <paramref name="ZeroRow"/> set to zero (an embedding's padding index).</summary>
    public sealed record NormalWithZeroRow(double Std, long ZeroRow) : ParameterInit;
}
