using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Outputs;

/// <summary>
/// Base of the typed output records. The record owns its tensors (they are moved out of the call's dispose scope):
/// dispose the record, or let an enclosing dispose scope collect them.
/// </summary>
public abstract record ModelOutput : IDisposable
{
    /// <summary>Every tensor the record holds, including those of nested outputs.</summary>
    protected abstract IEnumerable<Tensor?> OwnedTensors();

    /// <summary>Moves every held tensor out of the current dispose scope (to the caller's).</summary>
    internal void MoveToOuterScope()
    {
        foreach (var t in OwnedTensors())
            t?.MoveToOuterDisposeScope();
    }

    /// <summary>Detaches every held tensor from dispose scopes: the caller owns them outright.</summary>
    internal void DetachFromScopes()
    {
        foreach (var t in OwnedTensors())
            t?.DetachFromDisposeScope();
    }

    /// <summary>Disposes every held tensor.</summary>
    public void Dispose()
    {
        foreach (var t in OwnedTensors())
            t?.Dispose();
        GC.SuppressFinalize(this);
    }
}
