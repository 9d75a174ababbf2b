using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>Process-wide settings of the test run.</summary>
[TestClass]
public static class AssemblySetup
{
    /// <summary>
    /// One intra-op thread: the tiny models' operations are too small to gain from threads, and on a shared 2-core
    /// machine two threads per op made the fine-tuning test 3–8× slower (threads waiting for each other).
    /// </summary>
    [AssemblyInitialize]
    public static void Initialize(TestContext context) => set_num_threads(1);
}
