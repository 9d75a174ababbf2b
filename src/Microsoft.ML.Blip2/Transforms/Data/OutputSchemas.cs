using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>Input schema + the columns a task adds (an added column hides an input column of the same name).</summary>
internal static class OutputSchemas
{
    /// <summary>The output schema of a transformer for <paramref name="input"/>.</summary>
    public static DataViewSchema Append(DataViewSchema input, IReadOnlyList<OutputColumn> outputs)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var output in outputs)
            builder.AddColumn(output.Name, output.Type);
        return builder.ToSchema();
    }

    /// <summary>
    /// The output schema shape of an estimator. <see cref="SchemaShape.Column"/> cannot be constructed outside ML.NET,
    /// so a throwaway custom-mapping estimator (public API) adds the columns.
    /// </summary>
    public static SchemaShape Append(SchemaShape input, IReadOnlyList<OutputColumn> outputs)
    {
        var definition = SchemaDefinition.Create(typeof(OutputRow), SchemaDefinition.Direction.Write);
        var columns = outputs.Select(output =>
        {
            var column = definition.Single(c => c.MemberName == output.Value.ToString());
            column.ColumnName = output.Name;
            return column;
        }).ToList();
        definition.Clear();
        definition.AddRange(columns);
        var estimator = new MLContext().Transforms.CustomMapping<NoInput, OutputRow>((_, _) => { }, contractName: null, outputSchemaDefinition: definition);
        return estimator.GetOutputSchema(input);
    }

    /// <summary>No input columns.</summary>
    internal sealed class NoInput
    {
    }

    /// <summary>One member per <see cref="OutputValue"/>, named after it, of the column's type.</summary>
    internal sealed class OutputRow
    {
        public ReadOnlyMemory<char> Text { get; set; }

        public float MatchScore { get; set; }

        public float SequenceScore { get; set; }

        public bool Status { get; set; }

        public VBuffer<long> TokenIds { get; set; }
    }
}
