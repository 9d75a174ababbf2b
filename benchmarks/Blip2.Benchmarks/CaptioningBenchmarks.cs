using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Transforms;

namespace Blip2.Benchmarks;

/// <summary>Captions per second of the golden tiny OPT model over 24 images, per batch size (greedy, 10 new tokens).</summary>
[MemoryDiagnoser]
public class CaptioningBenchmarks
{
    private const int Images = 24;
    private MLContext ml = null!;
    private IDataView data = null!;
    private ImageCaptioningTransformer transformer = null!;

    [Params(1, 4, 8)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string directory = TinyModel.Directory;
        ml = new MLContext();
        var files = new[] { "image0.jpg", "image1_rgba.png", "image2_gray.png" }.Select(name => BenchmarkPaths.Golden("processor", name)).ToArray();
        data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, Images).Select(i => new ImagePathRow { ImagePath = files[i % files.Length] }).ToList());
        transformer = ml.Transforms.Blip2Caption("Caption", nameof(ImagePathRow.ImagePath), directory,
            generationOptions: new GenerationOptions { MaxNewTokens = 10 }, batchSize: BatchSize).Fit(data);
    }

    [GlobalCleanup]
    public void Cleanup() => transformer.Dispose();

    [Benchmark(OperationsPerInvoke = Images, Description = "one caption")]
    public int Caption() => ml.Data.CreateEnumerable<CaptionRow>(transformer.Transform(data), reuseRowObject: true).Count(r => r.Caption is not null);
}
