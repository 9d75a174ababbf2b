using Blip2.Trainers.Data;
using Microsoft.ML.Blip2.Configuration;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>
/// The collators rebuild the golden <c>train_opt</c> / <c>train_t5</c> batches (made by the Hugging Face generator script)
/// from their prompt and answer ids, which are cut out of the golden tensors.
/// </summary>
[TestClass]
public sealed class CollatorTests
{
    [TestMethod]
    public void OptCollatorReproducesTheGoldenTrainOptBatch()
    {
        using var inputs = GoldenFiles.Inputs("train_opt");
        using var ids = inputs.LoadTensorCopy("input_ids");
        using var mask = inputs.LoadTensorCopy("attention_mask");
        using var labels = inputs.LoadTensorCopy("labels");
        int[] promptLengthsWithBos = [5, 3]; // case.json prompt_lengths_incl_bos
        var examples = new List<TokenizedExample>();
        for (int row = 0; row < 2; row++)
        {
            var tokens = Row(ids, row).Take((int)mask[row].sum().item<long>()).ToList();
            var prompt = tokens.Skip(1).Take(promptLengthsWithBos[row] - 1).ToList();
            var answer = tokens.Skip(promptLengthsWithBos[row]).SkipLast(1).ToList(); // without the final EOS
            examples.Add(new TokenizedExample(prompt, answer));
        }
        var config = Blip2Config.FromDirectory(GoldenFiles.OptModel);
        using var batch = TrainingCollators.ForLanguageModeling(config).Collate(examples);
        AssertEqual(ids, batch.InputIds, "input_ids");
        AssertEqual(mask, batch.AttentionMask, "attention_mask");
        AssertEqual(labels, batch.Labels!, "labels");
    }

    [TestMethod]
    public void T5CollatorReproducesTheGoldenTrainT5Batch()
    {
        using var inputs = GoldenFiles.Inputs("train_t5");
        using var ids = inputs.LoadTensorCopy("input_ids");
        using var mask = inputs.LoadTensorCopy("attention_mask");
        using var labels = inputs.LoadTensorCopy("labels");
        var examples = new List<TokenizedExample>();
        for (int row = 0; row < 2; row++)
        {
            var prompt = Row(ids, row).Take((int)mask[row].sum().item<long>()).SkipLast(1).ToList();
            var answer = Row(labels, row).TakeWhile(id => id != -100).SkipLast(1).ToList();
            examples.Add(new TokenizedExample(prompt, answer));
        }
        var config = Blip2Config.FromDirectory(Path.Combine(GoldenFiles.Directory, "t5", "model"));
        var collator = TrainingCollators.ForLanguageModeling(config);
        Assert.IsInstanceOfType<T5TrainingCollator>(collator);
        using var batch = collator.Collate(examples);
        AssertEqual(ids, batch.InputIds, "input_ids");
        AssertEqual(mask, batch.AttentionMask, "attention_mask");
        AssertEqual(labels, batch.Labels!, "labels");
    }

    [TestMethod]
    public void ImageTokensArePrependedAndIgnoredForNewStyleCheckpoints()
    {
        var collator = new OptTrainingCollator(bosTokenId: 2, eosTokenId: 3, padTokenId: 1, imageTokenId: 9, imageTokenCount: 2);
        using var batch = collator.Collate([new TokenizedExample([5], [6, 7]), new TokenizedExample([], [8])]);
        CollectionAssert.AreEqual(new long[] { 9, 9, 2, 5, 6, 7, 3, 9, 9, 2, 8, 3, 1, 1 }, batch.InputIds.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, batch.AttentionMask.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { -100, -100, -100, -100, 6, 7, 3, -100, -100, -100, 8, 3, -100, -100 }, batch.Labels!.data<long>().ToArray());
    }

    [TestMethod]
    public void RetrievalCollatorPadsTextWithoutLabels()
    {
        using var batch = new RetrievalTextCollator(0).Collate([new TokenizedExample([], [101, 7, 102]), new TokenizedExample([101], [102])]);
        CollectionAssert.AreEqual(new long[] { 101, 7, 102, 101, 102, 0 }, batch.InputIds.data<long>().ToArray());
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1, 1, 0 }, batch.AttentionMask.data<long>().ToArray());
        Assert.IsNull(batch.Labels);
    }

    private static IEnumerable<long> Row(Tensor t, int row) => t[row].data<long>().ToArray();

    private static void AssertEqual(Tensor expected, Tensor actual, string what)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what} shape");
        CollectionAssert.AreEqual(expected.data<long>().ToArray(), actual.data<long>().ToArray(), what);
    }
}
