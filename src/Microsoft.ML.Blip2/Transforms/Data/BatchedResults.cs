namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>
/// Results of a cursor's rows, computed a batch at a time on demand: asking for row p runs the model once on rows
/// [⌊p / B⌋·B, ⌊p / B⌋·B + B) read ahead on a second cursor over the same source (same order, no shuffling), and keeps
/// them until the cursor moves past. Batches are aligned to multiples of the batch size, so their composition never
/// depends on which rows were read.
/// </summary>
internal sealed class BatchedResults : IDisposable
{
    private readonly IDataView source;
    private readonly InputBinding binding;
    private readonly Blip2Task task;
    private readonly int batchSize;
    private DataViewRowCursor? cursor;
    private RowReader? reader;
    private long batchStart = -1;
    private RowResult[] results = [];

    public BatchedResults(IDataView source, InputBinding binding, Blip2Task task)
    {
        this.source = source;
        this.binding = binding;
        this.task = task;
        batchSize = task.Options.BatchSize;
    }

    /// <summary>The result of row <paramref name="position"/>; rows can only be asked in non-decreasing order of batches.</summary>
    public RowResult Get(long position)
    {
        if (position < 0)
            throw new InvalidOperationException("The cursor is not on a row (call MoveNext first).");
        if (position >= batchStart && position < batchStart + results.Length)
            return results[position - batchStart];
        if (batchStart >= 0 && position < batchStart)
            throw new InvalidOperationException($"Row {position} lies before the current batch (row {batchStart}); cursors only move forward.");

        long start = position / batchSize * batchSize;
        cursor ??= source.GetRowCursor(binding.Columns);
        reader ??= new RowReader(cursor, binding);
        while (cursor.Position < start - 1)
        {
            if (!cursor.MoveNext())
                throw new InvalidOperationException($"The input ended before row {position}.");
        }

        var rows = new List<RowInput>(batchSize);
        while (rows.Count < batchSize && cursor.MoveNext())
            rows.Add(reader.Read());
        if (position - start >= rows.Count)
            throw new InvalidOperationException($"The input ended before row {position}.");

        results = task.Run(rows);
        batchStart = start;
        return results[position - start];
    }

    public void Dispose() => cursor?.Dispose();
}
