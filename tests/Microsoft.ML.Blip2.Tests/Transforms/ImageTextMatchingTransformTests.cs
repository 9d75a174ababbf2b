using Microsoft.ML.Blip2.Transforms;

namespace Microsoft.ML.Blip2.Tests.Transforms;

[TestClass]
public sealed class ImageTextMatchingTransformTests
{
    private static readonly string[] Texts = ["a cat", "the dog on the sofa", "a red car"];

    [TestMethod]
    [DataRow(ImageTextMatchingMode.Itm)]
    [DataRow(ImageTextMatchingMode.Itc)]
    public void Scores_EqualTheDirectModelCall(ImageTextMatchingMode mode)
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Rows());
        using var transformer = ml.Transforms.Blip2MatchImageText("Output", nameof(ImageTextRow.ImagePath), nameof(ImageTextRow.Text),
            Blip2TestModels.Itm, mode, batchSize: 2).Fit(data);

        var scores = ReadScores(ml, transformer.Transform(data));

        var expected = DirectModelCalls.Match(Blip2TestModels.Itm, DirectModelCalls.FromFiles(Blip2TestModels.Images), Texts, mode == ImageTextMatchingMode.Itm, batchSize: 2);
        CollectionAssert.AreEqual(expected, scores);
    }

    [TestMethod]
    [DataRow(ImageTextMatchingMode.Itm)]
    [DataRow(ImageTextMatchingMode.Itc)]
    public void EachRowScoresItsOwnPair_AsIfAlone(ImageTextMatchingMode mode)
    {
        // ITC's similarity matrix is image × text; a row's score is its own pair (the diagonal). Padding of the other
        // texts is masked. So batched scores must equal one-pair calls, up to float rounding.
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Rows());
        using var transformer = ml.Transforms.Blip2MatchImageText("Output", nameof(ImageTextRow.ImagePath), nameof(ImageTextRow.Text),
            Blip2TestModels.Itm, mode, batchSize: 3).Fit(data);

        var scores = ReadScores(ml, transformer.Transform(data));

        var images = DirectModelCalls.FromFiles(Blip2TestModels.Images);
        for (int i = 0; i < Texts.Length; i++)
        {
            float alone = DirectModelCalls.Match(Blip2TestModels.Itm, [images[i]], [Texts[i]], mode == ImageTextMatchingMode.Itm, batchSize: 1)[0];
            Assert.AreEqual(alone, scores[i], 1e-5f, $"row {i}");
        }

        if (mode == ImageTextMatchingMode.Itm)
            Assert.IsTrue(scores.All(s => s is > 0 and < 1), "ITM probabilities lie in (0, 1).");
        else
            Assert.IsTrue(scores.All(s => s is >= -1 and <= 1), "Cosine similarities lie in [-1, 1].");
    }

    internal static ImageTextRow[] Rows() =>
        Blip2TestModels.Images.Zip(Texts, (path, text) => new ImageTextRow { ImagePath = path, Text = text }).ToArray();

    internal static float[] ReadScores(MLContext ml, IDataView data) =>
        ml.Data.CreateEnumerable<MatchScoreRow>(data, reuseRowObject: false).Select(r => r.Output).ToArray();
}
