using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>Row-to-row mapping for <c>PredictionEngine</c> and composed mappers: one row per model call.</summary>
internal sealed class Blip2RowMapper : IRowToRowMapper
{
    private readonly Blip2Task task;
    private readonly InputBinding binding;

    public Blip2RowMapper(DataViewSchema inputSchema, Blip2Task task)
    {
        this.task = task;
        InputSchema = inputSchema;
        binding = InputBinding.Bind(inputSchema, task.Options.ImageColumnName, task.TextColumnName);
        OutputSchema = OutputSchemas.Append(inputSchema, task.Outputs);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = dependingColumns.Where(c => c.Index < InputSchema.Count).Select(c => InputSchema[c.Index]).ToList();
        if (dependingColumns.Any(c => c.Index >= InputSchema.Count))
            needed.AddRange(binding.Columns);
        return needed.DistinctBy(c => c.Index).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var active = activeColumns.Select(c => c.Index).ToHashSet();
        return new Blip2MappedRow(OutputSchema, input, binding, task, active);
    }
}
