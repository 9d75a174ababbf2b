using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Blip2.Transforms.Persistence;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// The model side of a BLIP-2 transformer: the loaded model, its inputs and outputs, and one batched call. Model calls
/// are serialised with a lock (TorchSharp modules are not re-entrant), so one instance serves any number of cursors
/// and prediction engines on any threads; decoding and preprocessing run outside the lock.
/// </summary>
internal abstract class Blip2Task : IDisposable
{
    private int runCount;
    private int disposed;

    private protected Blip2Task(Blip2TransformOptions options, ModelSource source, Blip2InputPreparer inputs)
    {
        Options = options;
        Source = source;
        Inputs = inputs;
        Device = new Device(options.Device);
        Outputs = Blip2Tasks.OutputsOf(options);
    }

    /// <summary>A copy of the settings the task was created with.</summary>
    public Blip2TransformOptions Options { get; }

    /// <summary>The model files.</summary>
    public ModelSource Source { get; }

    /// <summary>What the task computes.</summary>
    public abstract Blip2TaskKind Kind { get; }

    /// <summary>The text input column (question or text), if the task has one.</summary>
    public virtual string? TextColumnName => null;

    /// <summary>The columns the task adds, main output first.</summary>
    public IReadOnlyList<OutputColumn> Outputs { get; }

    /// <summary>How many batched model calls have run (a counting hook for laziness tests).</summary>
    public int RunCount => Volatile.Read(ref runCount);

    private protected Blip2InputPreparer Inputs { get; }

    private protected Device Device { get; }

    private protected object Sync { get; } = new();

    /// <summary>
    /// Computes the outputs of <paramref name="rows"/> in one model call over the rows whose image could be read.
    /// Rows without an image throw <see cref="ImageRowException"/> or, with <c>FailOnBadImage</c> off, get <see cref="RowResult.Failed"/>.
    /// </summary>
    public RowResult[] Run(IReadOnlyList<RowInput> rows)
    {
        if (Volatile.Read(ref disposed) != 0)
        {
            throw new ObjectDisposedException(GetType().Name,
                "This BLIP-2 transformer was disposed. Note that a PredictionEngine disposes its transformer unless it is created with " +
                "new PredictionEngineOptions { OwnsTransformer = false }.");
        }

        var results = new RowResult[rows.Count];
        var good = new List<RowInput>(rows.Count);
        var goodIndex = new List<int>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Image is null)
            {
                if (Options.FailOnBadImage)
                    throw new ImageRowException(rows[i].Position, Options.ImageColumnName, rows[i].ImageError ?? "no image", rows[i].ImageErrorCause);
                results[i] = RowResult.Failed;
            }
            else
            {
                good.Add(rows[i]);
                goodIndex.Add(i);
            }
        }

        if (good.Count > 0)
        {
            RowResult[] computed = RunModel(good, good.Select(r => r.Image!).ToList());
            for (int j = 0; j < computed.Length; j++)
                results[goodIndex[j]] = computed[j];
        }

        return results;
    }

    /// <summary>Runs the model on rows that all have an image.</summary>
    private protected abstract RowResult[] RunModel(IReadOnlyList<RowInput> rows, IReadOnlyList<DecodedImage> images);

    /// <summary>Counts one model call; call inside <see cref="Sync"/>.</summary>
    private protected void CountRun() => Interlocked.Increment(ref runCount);

    /// <summary>Disposes the model and deletes extracted files.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        lock (Sync)
            DisposeModel();
        Source.Dispose();
    }

    /// <summary>Disposes the loaded model.</summary>
    private protected abstract void DisposeModel();

    /// <summary>Applies <see cref="Blip2TransformOptions.Threads"/> (process-wide).</summary>
    private protected static void ApplyThreads(Blip2TransformOptions options)
    {
        if (options.Threads is int threads)
            TorchSharp.torch.set_num_threads(threads);
    }
}
