using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>
/// The lazy result of <c>Transform</c>: the input columns plus the task's outputs. Nothing runs until an output column
/// of a cursor is read; cursors that only read input columns never touch the model.
/// </summary>
internal sealed class Blip2DataView : IDataView
{
    private readonly IDataView source;
    private readonly Blip2Task task;
    private readonly InputBinding binding;

    public Blip2DataView(IDataView source, Blip2Task task)
    {
        this.source = source;
        this.task = task;
        binding = InputBinding.Bind(source.Schema, task.Options.ImageColumnName, task.TextColumnName);
        Schema = OutputSchemas.Append(source.Schema, task.Outputs);
    }

    /// <summary>Rows keep their order: batches are read ahead on a second cursor that must see the same rows.</summary>
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int inputCount = source.Schema.Count;
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var input = source.GetRowCursor(needed.Where(i => i < inputCount).Select(i => source.Schema[i]));
        var activeOutputs = task.Outputs.Select((_, i) => needed.Contains(inputCount + i)).ToArray();
        var results = activeOutputs.Any(a => a) ? new BatchedResults(source, binding, task) : null;
        return new Blip2RowCursor(Schema, input, task.Outputs, activeOutputs, results);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
