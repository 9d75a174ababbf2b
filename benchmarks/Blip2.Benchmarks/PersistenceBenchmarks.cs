using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.ML;
using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Transforms;

namespace Blip2.Benchmarks;

/// <summary>
/// <c>mlContext.Model.Save</c> / <c>Load</c> of a captioner with ~256 MB of weights, against a plain copy of the
/// weights file (the disk's speed). Each operation is long, so every iteration runs it once.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class PersistenceBenchmarks
{
    private MLContext ml = null!;
    private IDataView data = null!;
    private ImageCaptioningTransformer transformer = null!;
    private string checkpoint = null!;
    private string scratch = null!;
    private string savedZip = null!;

    [Params(256)]
    public int SizeMb { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        checkpoint = SyntheticCheckpoint.Create(SizeMb);
        scratch = BenchmarkPaths.Scratch("persistence");
        ml = new MLContext().UseBlip2();
        data = ml.Data.LoadFromEnumerable(new[] { new ImagePathRow { ImagePath = BenchmarkPaths.Golden("processor", "image0.jpg") } });
        transformer = ml.Transforms.Blip2Caption("Caption", nameof(ImagePathRow.ImagePath), checkpoint).Fit(data);
        savedZip = Path.Combine(scratch, "saved.zip");
        ml.Model.Save(transformer, data.Schema, savedZip);
    }

    [GlobalCleanup]
    public void Cleanup() => transformer.Dispose();

    [Benchmark(Baseline = true, Description = "File.Copy of model.safetensors")]
    public void CopyWeights() => File.Copy(Path.Combine(checkpoint, CheckpointFileNames.SingleFile), Path.Combine(scratch, "copy.safetensors"), overwrite: true);

    [Benchmark(Description = "mlContext.Model.Save")]
    public void Save() => ml.Model.Save(transformer, data.Schema, Path.Combine(scratch, "benchmark.zip"));

    [Benchmark(Description = "mlContext.Model.Load")]
    public void Load()
    {
        var loaded = (ImageCaptioningTransformer)ml.Model.Load(savedZip, out _);
        loaded.Dispose();
    }
}
