using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>A cursor over <see cref="Blip2DataView"/>: input columns come from the source cursor, outputs from <see cref="BatchedResults"/>.</summary>
internal sealed class Blip2RowCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor input;
    private readonly IReadOnlyList<OutputColumn> outputs;
    private readonly bool[] activeOutputs;
    private readonly BatchedResults? results;

    public Blip2RowCursor(DataViewSchema schema, DataViewRowCursor input, IReadOnlyList<OutputColumn> outputs, bool[] activeOutputs, BatchedResults? results)
    {
        Schema = schema;
        this.input = input;
        this.outputs = outputs;
        this.activeOutputs = activeOutputs;
        this.results = results;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) =>
        column.Index < input.Schema.Count ? input.IsColumnActive(input.Schema[column.Index]) : activeOutputs[column.Index - input.Schema.Count];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int inputCount = input.Schema.Count;
        if (column.Index < inputCount)
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        int output = column.Index - inputCount;
        if (!activeOutputs[output] || results is null)
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        return OutputGetters.Create<TValue>(outputs[output], () => results.Get(input.Position));
    }

    public override bool MoveNext() => input.MoveNext();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
            results?.Dispose();
        }

        base.Dispose(disposing);
    }
}
