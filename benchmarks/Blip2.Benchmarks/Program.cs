using BenchmarkDotNet.Running;
using Blip2.Benchmarks;

// `dotnet run -c Release --project benchmarks/Blip2.Benchmarks -- --filter *` runs the BenchmarkDotNet suites;
// `-- --memory` measures wall time, throughput and peak memory of one save and one load instead.
if (args.Contains("--memory"))
{
    PeakMemoryReport.Run(args.SkipWhile(a => a != "--size-mb").Skip(1).Select(int.Parse).FirstOrDefault(256));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PersistenceBenchmarks).Assembly).Run(args);
