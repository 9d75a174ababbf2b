using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>Getters of the added columns, reading the current row's <see cref="RowResult"/>.</summary>
internal static class OutputGetters
{
    /// <summary>A getter of <paramref name="column"/>; <paramref name="current"/> computes (or looks up) the row's result.</summary>
    public static ValueGetter<T> Create<T>(OutputColumn column, Func<RowResult> current)
    {
        Delegate getter = column.Value switch
        {
            OutputValue.Text => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = current().Text.AsMemory()),
            OutputValue.MatchScore => (ValueGetter<float>)((ref float value) => value = current().MatchScore),
            OutputValue.SequenceScore => (ValueGetter<float>)((ref float value) => value = current().SequenceScore),
            OutputValue.Status => (ValueGetter<bool>)((ref bool value) => value = current().Succeeded),
            OutputValue.TokenIds => (ValueGetter<VBuffer<long>>)((ref VBuffer<long> value) =>
            {
                long[] ids = current().TokenIds;
                var editor = VBufferEditor.Create(ref value, ids.Length);
                ids.CopyTo(editor.Values);
                value = editor.Commit();
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Value, "Unknown output value."),
        };
        return getter as ValueGetter<T>
            ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(T).Name}.");
    }
}
