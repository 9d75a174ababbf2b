using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Generation;

[TestClass]
public sealed class GenerationTests
{
    private static Blip2ForConditionalGeneration Load(string caseName) =>
        Blip2ForConditionalGeneration.FromPretrained(Path.Combine(TestPaths.GoldenDirectory, caseName, "model"));

    private static long[] Ids(Tensor t) => t.data<long>().ToArray();

    [TestMethod]
    [DataRow("opt", 1)]
    [DataRow("opt", 3)]
    [DataRow("t5", 1)]
    [DataRow("t5", 3)]
    public void CachedAndUncachedDecodingGiveTheSameIds(string caseName, int beams)
    {
        using var model = Load(caseName);
        manual_seed(7);
        using var pixels = rand(2, 3, 30, 30);
        var options = new GenerationOptions { MaxNewTokens = 8, NumBeams = beams };
        using var cached = model.Generate(pixels, options: options);
        using var uncached = model.Generate(pixels, options: options with { UseCache = false });
        CollectionAssert.AreEqual(Ids(cached.Sequences), Ids(uncached.Sequences));
        CollectionAssert.AreEqual(cached.Sequences.shape, uncached.Sequences.shape);
    }

    [TestMethod]
    public void SamplingWithASeedIsReproducible()
    {
        using var model = Load("opt");
        using var pixels = rand(2, 3, 30, 30);
        var options = new GenerationOptions { MaxNewTokens = 12, DoSample = true, TopK = 0, Seed = 1234, NumReturnSequences = 3 };
        using var first = model.Generate(pixels, options: options);
        using var second = model.Generate(pixels, options: options);
        CollectionAssert.AreEqual(Ids(first.Sequences), Ids(second.Sequences));
        Assert.AreEqual(6L, first.Sequences.shape[0], "2 images × 3 returned sequences");
        var differentSeeds = Enumerable.Range(0, 5).Select(seed =>
        {
            using var o = model.Generate(pixels, options: options with { Seed = seed });
            return string.Join(",", Ids(o.Sequences));
        }).Distinct().Count();
        Assert.IsGreaterThan(1, differentSeeds, "different seeds should not all give the same samples");
    }

    [TestMethod]
    [DataRow(3, 1.0)]
    [DataRow(0, 0.6)]
    [DataRow(5, 0.8)]
    public void SampledTokensAlwaysComeFromTheAllowedSet(int topK, double topP)
    {
        using var model = Load("opt");
        using var pixels = rand(4, 3, 30, 30);
        var options = new GenerationOptions { MaxNewTokens = 10, DoSample = true, TopK = topK, TopP = topP, Seed = 99, OutputScores = true, Temperature = 1.5 };
        var eos = model.DefaultGenerationOptions().EosTokenIds!;
        int checkedTokens = 0;
        for (int run = 0; run < 10; run++)
        {
            using var output = model.Generate(pixels, options: options with { Seed = run });
            var scores = output.Scores!; // [steps, rows, V] after warpers: −inf outside the allowed set
            var sequences = output.Sequences;
            var finished = new bool[scores.shape[1]];
            for (long step = 0; step < scores.shape[0]; step++)
            {
                for (long row = 0; row < scores.shape[1]; row++)
                {
                    if (finished[row]) continue; // padding after EOS: nothing was sampled
                    long token = sequences[row, step + 1].item<long>();
                    if (eos.Contains(token)) finished[row] = true;
                    var rowScores = scores[step, row];
                    long allowed = rowScores.isfinite().sum().item<long>();
                    Assert.IsTrue(float.IsFinite(rowScores[token].item<float>()), $"token {token} sampled outside the allowed set");
                    if (topK > 0) Assert.IsLessThanOrEqualTo((long)topK, allowed);
                    checkedTokens++;
                }
            }
        }
        Assert.IsGreaterThan(100, checkedTokens);
    }

    [TestMethod]
    public void TopPKeepsExactlyTheNucleus()
    {
        using var scores = tensor(new float[] { 2.0f, 1.0f, 0.5f, -1.0f, 0.0f }, [1, 5]);
        var warper = new Microsoft.ML.Blip2.Generation.Processors.TopPLogitsWarper(0.8);
        using var processed = warper.Process(empty(1, 0, dtype: ScalarType.Int64), scores);
        // Probabilities sorted: 0.54, 0.20, 0.12, 0.07, 0.03; cumulative from the bottom excludes tokens while cum ≤ 0.2.
        double[] p = [2.0, 1.0, 0.5, -1.0, 0.0];
        double z = p.Sum(Math.Exp);
        var probs = p.Select(v => Math.Exp(v) / z).ToArray();
        var order = Enumerable.Range(0, 5).OrderBy(i => probs[i]).ToArray();
        double cumulative = 0;
        var removed = new HashSet<int>();
        foreach (int i in order) { cumulative += probs[i]; if (cumulative <= 0.2) removed.Add(i); }
        for (int i = 0; i < 5; i++)
            Assert.AreEqual(removed.Contains(i), float.IsNegativeInfinity(processed[0, i].item<float>()), $"token {i}");
    }

    [TestMethod]
    public void StreamingYieldsTheSameTokensAsGenerate()
    {
        using var model = Load("opt");
        using var pixels = rand(1, 3, 30, 30);
        var options = new GenerationOptions { MaxNewTokens = 10 };
        using var output = model.Generate(pixels, options: options);
        var streamed = model.GenerateStreaming(pixels, options: options).ToBlockingEnumerable().ToArray();
        var ids = Ids(output.Sequences).Skip(1).ToArray();
        long pad = model.Config.TextConfig.PadTokenId!.Value;
        CollectionAssert.AreEqual(ids.Take(streamed.Length).ToArray(), streamed);
        Assert.IsTrue(ids.Skip(streamed.Length).All(t => t == pad));
        // A reader that stops early stops the decoder too (no hang, model reusable).
        var firstTwo = model.GenerateStreaming(pixels, options: options).ToBlockingEnumerable().Take(2).ToArray();
        CollectionAssert.AreEqual(streamed.Take(2).ToArray(), firstTwo);
    }

    [TestMethod]
    public void CancellationStopsGenerationAndLeavesTheModelUsable()
    {
        using var model = Load("t5");
        using var pixels = rand(1, 3, 30, 30);
        var options = new GenerationOptions { MaxNewTokens = 50, MinNewTokens = 50 };
        using var reference = model.Generate(pixels, options: options with { MaxNewTokens = 5, MinNewTokens = 5 });
        using var cts = new CancellationTokenSource();
        var received = new List<long>();
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (long token in model.GenerateStreaming(pixels, options: options, cancellationToken: cts.Token).ToBlockingEnumerable())
            {
                received.Add(token);
                if (received.Count == 2) cts.Cancel();
            }
        });
        Assert.IsLessThanOrEqualTo(4, received.Count, "generation must stop within one step of the cancellation");
        Assert.Throws<OperationCanceledException>(() => model.Generate(pixels, options: options, cancellationToken: cts.Token));
        using var again = model.Generate(pixels, options: options with { MaxNewTokens = 5, MinNewTokens = 5 });
        CollectionAssert.AreEqual(Ids(reference.Sequences), Ids(again.Sequences));
    }

    [TestMethod]
    public void TwoHundredGenerateCallsLeaveNoLiveTensorsBehind()
    {
        using var model = Load("opt");
        using var pixels = rand(2, 3, 30, 30);
        var greedy = new GenerationOptions { MaxNewTokens = 4, OutputScores = true };
        var beam = new GenerationOptions { MaxNewTokens = 4, NumBeams = 2, NumReturnSequences = 2 };
        using (model.Generate(pixels, options: greedy)) { }
        using (model.Generate(pixels, options: beam)) { }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 100; i++)
        {
            using (model.Generate(pixels, options: greedy)) { }
            using (model.Generate(pixels, options: beam)) { }
        }
        Assert.AreEqual(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount, "live tensors after 200 generate calls");
    }

    [TestMethod]
    [DataRow(nameof(GenerationOptions.NumReturnSequences))]
    [DataRow(nameof(GenerationOptions.TopP))]
    [DataRow(nameof(GenerationOptions.MaxNewTokens))]
    [DataRow(nameof(GenerationOptions.MinNewTokens))]
    [DataRow(nameof(GenerationOptions.Temperature))]
    [DataRow(nameof(GenerationOptions.NumBeams))]
    [DataRow(nameof(GenerationOptions.RepetitionPenalty))]
    [DataRow(nameof(GenerationOptions.TopK))]
    public void InvalidOptionsAreRejectedNamingTheOption(string option)
    {
        var invalid = option switch
        {
            nameof(GenerationOptions.NumReturnSequences) => new GenerationOptions { NumBeams = 2, NumReturnSequences = 3 },
            nameof(GenerationOptions.TopP) => new GenerationOptions { DoSample = true, TopP = 1.5 },
            nameof(GenerationOptions.MaxNewTokens) => new GenerationOptions { MaxNewTokens = 0 },
            nameof(GenerationOptions.MinNewTokens) => new GenerationOptions { MinNewTokens = -1 },
            nameof(GenerationOptions.Temperature) => new GenerationOptions { DoSample = true, Temperature = 0 },
            nameof(GenerationOptions.NumBeams) => new GenerationOptions { NumBeams = 0 },
            nameof(GenerationOptions.RepetitionPenalty) => new GenerationOptions { RepetitionPenalty = -1 },
            _ => new GenerationOptions { TopK = -2 },
        };
        var e = Assert.ThrowsExactly<ArgumentException>(invalid.Validate);
        StringAssert.Contains(e.Message, option);
        Assert.AreEqual(option, e.ParamName);
    }

    [TestMethod]
    public void DefaultsComeFromTheLanguageModelConfig()
    {
        using var model = Load("opt");
        var defaults = model.DefaultGenerationOptions();
        var text = (OptConfig)model.Config.TextConfig;
        Assert.AreEqual((long?)text.BosTokenId, defaults.BosTokenId);
        CollectionAssert.AreEqual(text.EosTokenIds!.Select(i => (long)i).ToArray(), defaults.EosTokenIds!.ToArray());
        Assert.AreEqual((long?)text.PadTokenId, defaults.PadTokenId);
        Assert.AreEqual(20, defaults.MaxLength);
    }
}
