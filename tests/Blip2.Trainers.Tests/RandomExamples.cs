using Blip2.Trainers.Data;
using static TorchSharp.torch;

namespace Blip2.Trainers.Tests;

/// <summary>Random images with prompts and answers of varying lengths (so batches have padding and unequal token counts).</summary>
public static class RandomExamples
{
    /// <summary><paramref name="count"/> examples for the tiny OPT vocabulary (content ids 4…15); dispose with <see cref="SyntheticShapes.Dispose"/>.</summary>
    public static List<TrainingExample> Make(int count, int seed)
    {
        var random = new Random(seed);
        var examples = new List<TrainingExample>();
        for (int i = 0; i < count; i++)
        {
            var pixels = new float[3 * TinyBlip2.ImageSize * TinyBlip2.ImageSize];
            for (int k = 0; k < pixels.Length; k++) pixels[k] = (float)(random.NextDouble() * 2 - 1);
            var prompt = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (long)random.Next(4, 16)).ToList();
            var answer = Enumerable.Range(0, random.Next(1, 5)).Select(_ => (long)random.Next(4, 16)).ToList();
            examples.Add(new TrainingExample(tensor(pixels, [3, TinyBlip2.ImageSize, TinyBlip2.ImageSize]), new TokenizedExample(prompt, answer)));
        }
        return examples;
    }

    /// <summary>One batch of all <paramref name="examples"/>, collated for the tiny OPT model.</summary>
    public static TrainingBatch Batch(IReadOnlyList<TrainingExample> examples)
    {
        var source = new InMemoryBatchSource(examples, TrainingCollators.ForLanguageModeling(TinyBlip2.OptConfig()), shuffle: false);
        return source.ReadEpoch(0, examples.Count).Single();
    }
}
