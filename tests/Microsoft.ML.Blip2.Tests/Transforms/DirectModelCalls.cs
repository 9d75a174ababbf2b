using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Processing;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Transforms;

/// <summary>One row's expected generation result.</summary>
internal sealed record GeneratedRow(string Text, long[] TokenIds, float MeanLogProb, float BeamScore);

/// <summary>
/// The expected outputs of the transformers, computed by calling the library's model, image processor and tokenizer
/// directly, the way the README and Hugging Face's model cards do it, batch by batch.
/// </summary>
internal static class DirectModelCalls
{
    /// <summary>
    /// <c>generate</c> + <c>decode(skip_special_tokens=True).strip()</c> per batch of <paramref name="batchSize"/>
    /// images. Prompts are padded on the left for OPT (Hugging Face's advice for decoder-only generation) and on the
    /// right for T5; checkpoints with <c>image_token_index</c> get Q image tokens before each row (Blip2Processor).
    /// </summary>
    public static GeneratedRow[] Generate(string modelDirectory, IReadOnlyList<DecodedImage> images, IReadOnlyList<string>? prompts,
        GenerationOptions options, int batchSize)
    {
        using var model = Blip2ForConditionalGeneration.FromPretrained(modelDirectory);
        var processor = Blip2ImageProcessor.FromPreprocessorConfigFile(Path.Combine(modelDirectory, "preprocessor_config.json"));
        var tokenizer = Blip2Tokenizer.FromPretrained(modelDirectory);
        var eos = options.WithDefaultsFrom(model.DefaultGenerationOptions()).EosTokenIds!.ToHashSet();
        var side = model.Config.TextConfig is OptConfig ? PaddingSide.Left : PaddingSide.Right;
        var rows = new List<GeneratedRow>();
        for (int start = 0; start < images.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, images.Count - start);
            using var scope = NewDisposeScope();
            var pixels = processor.Preprocess(images.Skip(start).Take(count).ToList());
            Tensor? ids = null, mask = null;
            if (prompts is not null)
            {
                var tokens = tokenizer.EncodeBatch(prompts.Skip(start).Take(count).ToList(),
                    new TokenizerCallOptions { Padding = TokenizerPadding.Longest, PaddingSide = side }).ToTensors();
                (ids, mask) = (tokens.InputIds, tokens.AttentionMask);
                Assert.IsTrue(ids.max().item<long>() < model.Config.TextConfig.VocabSize, "Test prompts must tokenize to ids inside the tiny model's vocabulary.");
            }

            if (model.Config.ImageTokenIndex is int imageToken)
            {
                var imageIds = full([count, model.Config.NumQueryTokens], (long)imageToken, ScalarType.Int64);
                if (ids is null)
                {
                    ids = cat([imageIds, full([count, 1], (long)model.Config.TextConfig.BosTokenId!, ScalarType.Int64)], 1);
                }
                else
                {
                    ids = cat([imageIds, ids], 1);
                    mask = cat([ones_like(imageIds), mask!], 1);
                }
            }

            using var output = model.Generate(pixels, ids, mask, options with { OutputScores = true });
            var texts = tokenizer.BatchDecode(output.Sequences, skipSpecialTokens: true);
            long[,] sequences = ToMatrix(output.Sequences);
            var logProbs = output.Scores is null ? null : nn.functional.log_softmax(output.Scores, -1);
            for (int r = 0; r < count; r++)
            {
                int length = sequences.GetLength(1);
                int end = Enumerable.Range(1, length - 1).FirstOrDefault(i => eos.Contains(sequences[r, i]), length - 1) + 1;
                long[] tokenIds = Enumerable.Range(0, end).Select(i => sequences[r, i]).ToArray();
                float mean = logProbs is null ? float.NaN
                    : (float)Enumerable.Range(1, end - 1).Average(i => logProbs[i - 1, r, sequences[r, i]].item<float>());
                float beam = output.SequencesScores is null ? float.NaN : output.SequencesScores[r].item<float>();
                rows.Add(new GeneratedRow(texts[r].Trim(), tokenIds, mean, beam));
            }
        }

        return rows.ToArray();
    }

    /// <summary>ITM probability (softmax index 1) or ITC cosine (diagonal) for image i with text i, per batch.</summary>
    public static float[] Match(string modelDirectory, IReadOnlyList<DecodedImage> images, IReadOnlyList<string> texts, bool itm, int batchSize)
    {
        using var model = Blip2ForImageTextRetrieval.FromPretrained(modelDirectory);
        var processor = Blip2ImageProcessor.FromPreprocessorConfigFile(Path.Combine(modelDirectory, "preprocessor_config.json"));
        var tokenizer = Blip2Tokenizer.FromPretrained(modelDirectory);
        var scores = new List<float>();
        for (int start = 0; start < images.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, images.Count - start);
            using var scope = NewDisposeScope();
            var pixels = processor.Preprocess(images.Skip(start).Take(count).ToList());
            var tokens = tokenizer.EncodeBatch(texts.Skip(start).Take(count).ToList(), new TokenizerCallOptions { Padding = TokenizerPadding.Longest }).ToTensors();
            using var output = model.Forward(pixels, tokens.InputIds, tokens.AttentionMask, useImageTextMatchingHead: itm);
            var perRow = itm ? nn.functional.softmax(output.LogitsPerImage, 1).select(1, 1) : output.LogitsPerImage.diagonal();
            scores.AddRange(perRow.data<float>().ToArray());
        }

        return scores.ToArray();
    }

    /// <summary>The images as <c>LoadImages</c> hands them over (ML.NET <see cref="Data.MLImage"/>, premultiplied BGRA).</summary>
    public static DecodedImage[] AsMLImages(IEnumerable<string> paths) =>
        paths.Select(path =>
        {
            using var image = Data.MLImage.CreateFromFile(path);
            return DecodedImage.FromMLImage(image);
        }).ToArray();

    /// <summary>The images decoded from their files.</summary>
    public static DecodedImage[] FromFiles(IEnumerable<string> paths) => paths.Select(DecodedImage.FromFile).ToArray();

    private static long[,] ToMatrix(Tensor sequences)
    {
        long[] flat = sequences.data<long>().ToArray();
        int rows = (int)sequences.shape[0], columns = (int)sequences.shape[1];
        var matrix = new long[rows, columns];
        for (int i = 0; i < flat.Length; i++)
            matrix[i / columns, i % columns] = flat[i];
        return matrix;
    }
}
