using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Transforms;

namespace Microsoft.ML.Blip2.Tests.Transforms;

[TestClass]
public sealed class VqaTransformTests
{
    // The tiny OPT vocabulary has 99 entries: these prompts tokenize to single characters (ids < 99).
    private const string Template = "Q:{0}";
    private static readonly string[] Questions = ["a", "b!", "c?"];
    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 5 };

    [TestMethod]
    public void QuestionColumn_AnswersEqualTheDirectModelCallWithLeftPaddedPrompts()
    {
        var ml = new MLContext();
        var rows = Blip2TestModels.Images.Zip(Questions, (path, question) => new ImageTextRow { ImagePath = path, Text = question }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.Blip2AnswerQuestion("Output", nameof(ImageTextRow.ImagePath), nameof(ImageTextRow.Text),
            Blip2TestModels.Opt, promptTemplate: Template, generationOptions: Greedy, batchSize: 3).Fit(data);

        var answers = CaptioningTransformTests.ReadTexts(ml, transformer.Transform(data));

        var prompts = Questions.Select(q => "Q:" + q).ToArray();
        var expected = DirectModelCalls.Generate(Blip2TestModels.Opt, DirectModelCalls.FromFiles(Blip2TestModels.Images), prompts, Greedy, batchSize: 3);
        CollectionAssert.AreEqual(expected.Select(e => e.Text).ToArray(), answers);
    }

    [TestMethod]
    public void LeftPadding_MakesEachAnswerIndependentOfItsBatch()
    {
        // Prompts of different lengths share a batch; with left padding and mask-derived positions each row must get
        // what it gets alone (batch size 1).
        var ml = new MLContext();
        var rows = Blip2TestModels.Images.Zip(Questions, (path, question) => new ImageTextRow { ImagePath = path, Text = question }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        using var batched = ml.Transforms.Blip2AnswerQuestion("Output", nameof(ImageTextRow.ImagePath), nameof(ImageTextRow.Text),
            Blip2TestModels.Opt, promptTemplate: Template, generationOptions: Greedy, batchSize: 3).Fit(data);
        using var single = ml.Transforms.Blip2AnswerQuestion("Output", nameof(ImageTextRow.ImagePath), nameof(ImageTextRow.Text),
            Blip2TestModels.Opt, promptTemplate: Template, generationOptions: Greedy, batchSize: 1).Fit(data);

        CollectionAssert.AreEqual(CaptioningTransformTests.ReadTexts(ml, single.Transform(data)), CaptioningTransformTests.ReadTexts(ml, batched.Transform(data)));
    }

    [TestMethod]
    public void DefaultTemplate_IsTheModelCardFormat()
    {
        var options = new VqaEstimator.Options();
        Assert.AreEqual("Question: {0} Answer:", options.PromptTemplate);
        Assert.AreEqual("Question: {0} Answer:", VqaEstimator.DefaultPromptTemplate);
    }
}
