using Microsoft.ML.Blip2.Generation;

namespace Microsoft.ML.Blip2.Tests.Transforms;

[TestClass]
public sealed class ThreadSafetyTests
{
    [TestMethod]
    public void PredictionEnginesOnSeveralThreads_GiveTheSequentialResults()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Blip2TestModels.Images.Select(p => new ImagePathRow { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImagePathRow.ImagePath))
            .Append(ml.Transforms.Blip2Caption("Output", "Image", Blip2TestModels.Opt, generationOptions: new GenerationOptions { MaxNewTokens = 4 }));
        var model = pipeline.Fit(data);
        using var captioner = model.LastTransformer;
        // Several engines share the transformer: none may dispose it.
        var shared = new PredictionEngineOptions { OwnsTransformer = false };
        string[] sequential;
        using (var engine = ml.Model.CreatePredictionEngine<ImagePathRow, GeneratedTextRow>(model, shared))
            sequential = Blip2TestModels.Images.Select(p => engine.Predict(new ImagePathRow { ImagePath = p }).Output).ToArray();

        const int threads = 4, rounds = 3;
        var results = new string[threads][];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            using var engine = ml.Model.CreatePredictionEngine<ImagePathRow, GeneratedTextRow>(model, shared);
            start.SignalAndWait();
            var mine = new List<string>();
            for (int round = 0; round < rounds; round++)
            {
                // Each thread walks the images in its own order so calls interleave differently.
                for (int i = 0; i < sequential.Length; i++)
                {
                    int image = (i + t) % sequential.Length;
                    mine.Add(image + ":" + engine.Predict(new ImagePathRow { ImagePath = Blip2TestModels.Images[image] }).Output);
                }
            }

            results[t] = mine.ToArray();
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        for (int t = 0; t < threads; t++)
        {
            var expected = Enumerable.Range(0, rounds).SelectMany(_ => Enumerable.Range(0, sequential.Length).Select(i => (i + t) % sequential.Length))
                .Select(image => image + ":" + sequential[image]).ToArray();
            CollectionAssert.AreEqual(expected, results[t], $"thread {t}");
        }
    }

    [TestMethod]
    public void CursorsOnSeveralThreads_GiveTheSequentialResults()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(ImageTextMatchingTransformTests.Rows());
        using var matcher = ml.Transforms.Blip2MatchImageText("Output", nameof(ImageTextRow.ImagePath), nameof(ImageTextRow.Text), Blip2TestModels.Itm, batchSize: 2).Fit(data);
        var output = matcher.Transform(data);
        float[] sequential = ImageTextMatchingTransformTests.ReadScores(ml, output);

        var parallel = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => ImageTextMatchingTransformTests.ReadScores(ml, output)).ToArray();

        foreach (float[] scores in parallel)
            CollectionAssert.AreEqual(sequential, scores);
    }
}
