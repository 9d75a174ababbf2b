using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>
/// Keys and values of one attention layer, <c>[B, H, T, D]</c>, kept across decoding steps. Owns its tensors: they are
/// detached from any dispose scope and freed by <see cref="Dispose"/> or when replaced.
/// </summary>
public sealed class KeyValueCache : IDisposable
{
    private Tensor? _keys;
    private Tensor? _values;

    /// <summary>Cached keys, or null when empty.</summary>
    public Tensor? Keys => _keys;

    /// <summary>Cached values, or null when empty.</summary>
    public Tensor? Values => _values;

    /// <summary>Number of cached positions.</summary>
    public long Length => _keys?.shape[2] ?? 0;

    /// <summary>
    /// Appends new keys/values along the time axis and returns the full keys and values (owned by the cache: do not
    /// dispose them).
    /// </summary>
    public (Tensor Keys, Tensor Values) Append(Tensor keys, Tensor values)
    {
        Tensor newKeys = _keys is null ? keys.alias() : cat([_keys, keys], 2);
        Tensor newValues = _values is null ? values.alias() : cat([_values, values], 2);
        Replace(newKeys, newValues);
        return (_keys!, _values!);
    }

    /// <summary>Stores keys/values computed once (e.g. T5 cross-attention over the encoder output).</summary>
    public void Set(Tensor keys, Tensor values) => Replace(keys.alias(), values.alias());

    /// <summary>Keeps the batch rows given by <paramref name="rows"/> (beam reordering).</summary>
    public void SelectRows(Tensor rows)
    {
        if (_keys is null || _values is null) return;
        Replace(_keys.index_select(0, rows), _values.index_select(0, rows));
    }

    private void Replace(Tensor keys, Tensor values)
    {
        keys.DetachFromDisposeScope();
        values.DetachFromDisposeScope();
        _keys?.Dispose();
        _values?.Dispose();
        _keys = keys;
        _values = values;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _keys?.Dispose();
        _values?.Dispose();
        _keys = null;
        _values = null;
    }
}
