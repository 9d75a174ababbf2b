using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>
/// The output row of <see cref="Blip2RowMapper"/>: input columns pass through; the outputs of the input's current row
/// are computed on the first read and kept until the input moves to another position.
/// </summary>
internal sealed class Blip2MappedRow : DataViewRow
{
    private readonly DataViewRow input;
    private readonly InputBinding binding;
    private readonly Blip2Task task;
    private readonly HashSet<int> active;
    private RowReader? reader;
    private long cachedPosition = long.MinValue;
    private RowResult? cached;

    public Blip2MappedRow(DataViewSchema schema, DataViewRow input, InputBinding binding, Blip2Task task, HashSet<int> active)
    {
        Schema = schema;
        this.input = input;
        this.binding = binding;
        this.task = task;
        this.active = active;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index < input.Schema.Count ? input.IsColumnActive(input.Schema[column.Index]) : active.Contains(column.Index);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int inputCount = input.Schema.Count;
        if (column.Index < inputCount)
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        if (!active.Contains(column.Index))
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this row.");
        return OutputGetters.Create<TValue>(task.Outputs[column.Index - inputCount], Current);
    }

    private RowResult Current()
    {
        if (cached is null || cachedPosition != input.Position)
        {
            reader ??= new RowReader(input, binding);
            cached = task.Run([reader.Read()])[0];
            cachedPosition = input.Position;
        }

        return cached;
    }
}
