using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Transforms;

namespace Blip2.Benchmarks;

/// <summary>
/// One save and one load of a synthetic checkpoint with wall time, throughput and the peak resident memory they add
/// (Linux: the peak is reset through <c>/proc/self/clear_refs</c> and read from <c>VmHWM</c>).
/// </summary>
internal static class PeakMemoryReport
{
    public static void Run(int sizeMb)
    {
        string checkpoint = SyntheticCheckpoint.Create(sizeMb);
        string weights = Path.Combine(checkpoint, CheckpointFileNames.SingleFile);
        double megabytes = new FileInfo(weights).Length / 1048576.0;
        string scratch = BenchmarkPaths.Scratch("memory");
        var ml = new MLContext().UseBlip2();
        var data = ml.Data.LoadFromEnumerable(new[] { new ImagePathRow { ImagePath = BenchmarkPaths.Golden("processor", "image0.jpg") } });
        using var transformer = ml.Transforms.Blip2Caption("Caption", nameof(ImagePathRow.ImagePath), checkpoint).Fit(data);
        string zip = Path.Combine(scratch, "model.zip");

        Console.WriteLine($"weights: {megabytes:F0} MB ({weights})");
        Measure("File.Copy of the weights", megabytes, () => File.Copy(weights, Path.Combine(scratch, "copy.safetensors"), overwrite: true));
        Measure("mlContext.Model.Save", megabytes, () => ml.Model.Save(transformer, data.Schema, zip));
        Console.WriteLine($"  zip: {new FileInfo(zip).Length / 1048576.0:F0} MB");
        Measure("mlContext.Model.Load", megabytes, () => ((IDisposable)new MLContext().UseBlip2().Model.Load(zip, out _)).Dispose());
    }

    private static void Measure(string what, double megabytes, Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        bool peakReset = TryResetPeak();
        long rssBefore = ReadStatus("VmRSS:");
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        action();
        watch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        string peak = peakReset ? $"{(ReadStatus("VmHWM:") - rssBefore) / 1024.0:F1} MB" : "n/a (needs Linux /proc/self/clear_refs)";
        Console.WriteLine($"{what,-28} {watch.Elapsed.TotalSeconds,6:F2} s  {megabytes / watch.Elapsed.TotalSeconds,7:F0} MB/s  " +
                          $"peak extra RSS {peak}  managed allocations {allocated / 1048576.0:F1} MB");
    }

    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A "kB" value of <c>/proc/self/status</c>, or 0 where there is none.</summary>
    private static long ReadStatus(string key)
    {
        if (!File.Exists("/proc/self/status"))
            return 0;
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0]);
    }
}
