using Microsoft.ML.Data;
using Microsoft.ML.Blip2.Transforms.Data;
using Microsoft.ML.Blip2.Transforms.Persistence;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// What the three BLIP-2 transformers share. <see cref="Transform"/> is lazy: the model runs when an output column is
/// read, once per <see cref="Blip2TransformOptions.BatchSize"/> rows; reading only other columns runs nothing.
/// <see cref="GetRowToRowMapper"/> serves <c>PredictionEngine</c> (one row per call).
/// </summary>
/// <remarks>
/// One transformer may be used by several cursors and prediction engines on several threads at once: model calls are
/// serialised by a lock (TorchSharp modules are not re-entrant), so results equal sequential use; image decoding and
/// tokenization run in parallel. <c>mlContext.Model.Save</c> writes the model into the zip (see <see cref="WeightStorage"/>);
/// loading needs <c>mlContext.UseBlip2()</c> first. Dispose the transformer to free the model's memory and, for a loaded
/// transformer, the extracted model files. As for every disposable ML.NET transformer, a <c>PredictionEngine</c> disposes
/// its transformer when it is disposed, unless created with <c>new PredictionEngineOptions { OwnsTransformer = false }</c>
/// (do that when several engines share one transformer).
/// </remarks>
public abstract class Blip2TransformerBase : ITransformer, IDisposable
{
    private protected Blip2TransformerBase(Blip2Task task)
    {
        Task = task;
    }

    /// <summary>The directory the model was loaded from (a temporary extraction folder for a loaded zip).</summary>
    public string ModelDirectory => Task.Source.Directory;

    /// <summary>Always true: the transformer maps rows one to one.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The task behind the transformer.</summary>
    internal Blip2Task Task { get; }

    /// <summary>How many batched model calls have run so far (for tests of laziness and batching).</summary>
    internal int ModelRunCount => Task.RunCount;

    /// <summary>The input schema plus the output columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or has the wrong type.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputBinding.Bind(inputSchema, Task.Options.ImageColumnName, Task.TextColumnName);
        return OutputSchemas.Append(inputSchema, Task.Outputs);
    }

    /// <summary>A row mapper for <paramref name="inputSchema"/> (used by <c>PredictionEngine</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or has the wrong type.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new Blip2RowMapper(inputSchema, Task);
    }

    /// <summary>The lazy output data view; nothing is computed here.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or has the wrong type.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new Blip2DataView(input, Task);
    }

    /// <summary>Called by <c>mlContext.Model.Save</c>: writes the options, configs, tokenizer, preprocessor and weights.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ModelArchive.Save(ctx, Task);

    /// <summary>Frees the model and deletes extracted model files; later calls do nothing.</summary>
    public void Dispose()
    {
        Task.Dispose();
        GC.SuppressFinalize(this);
    }
}
