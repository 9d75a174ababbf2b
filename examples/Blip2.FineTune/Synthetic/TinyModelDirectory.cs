using System.Text.Json;
using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Initialization;

namespace Blip2.FineTune.Synthetic;

/// <summary>
/// Writes a complete Hugging Face BLIP-2 directory for a tiny, randomly initialised OPT model: <c>config.json</c> +
/// safetensors, a GPT-2-style byte-level BPE tokenizer whose vocabulary holds just the given words, and a
/// <c>preprocessor_config.json</c> sized to the tiny vision model. Only the Q-Former can learn anything useful; the
/// random ViT and OPT stay frozen, as the real recipe freezes the pretrained ones.
/// </summary>
internal static class TinyModelDirectory
{
    /// <summary>Images are <c>ImageSize × ImageSize</c>.</summary>
    public const int ImageSize = 32;

    /// <summary>Special token ids of the tiny vocabulary.</summary>
    public const int Unk = 0, Pad = 1, Bos = 2, Eos = 3;

    /// <summary>Creates the directory for a tokenizer over <paramref name="words"/> and a model initialised with <paramref name="seed"/>.</summary>
    public static void Write(string directory, IEnumerable<string> words, long seed)
    {
        Directory.CreateDirectory(directory);
        var (vocab, merges) = BuildBpe(words);
        File.WriteAllText(Path.Combine(directory, "vocab.json"), JsonSerializer.Serialize(vocab));
        File.WriteAllLines(Path.Combine(directory, "merges.txt"), ["#version: 0.2", .. merges]);
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """
            {"tokenizer_class": "GPT2Tokenizer", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>",
             "unk_token": "<unk>", "add_prefix_space": false, "model_max_length": 64}
            """);
        WritePreprocessorConfig(directory);
        // Exactly the tokenizer's size: every id the model can generate must decode.
        using var model = ModelInitializer.CreateConditionalGeneration(Config(vocab.Count), seed);
        model.SavePretrained(directory);
    }

    /// <summary>A BlipImageProcessor config for <see cref="ImageSize"/> images, normalising [0, 255] to [−1, 1].</summary>
    public static void WritePreprocessorConfig(string directory) =>
        File.WriteAllText(Path.Combine(directory, "preprocessor_config.json"), $$"""
            {"image_processor_type": "BlipImageProcessor", "do_convert_rgb": true, "do_resize": true, "resample": 3,
             "size": {"height": {{ImageSize}}, "width": {{ImageSize}}}, "do_rescale": true, "rescale_factor": 0.00392156862745098,
             "do_normalize": true, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}
            """);

    /// <summary>
    /// A 2-layer ViT (patch 4), 2-layer Q-Former with 8 queries and 2-layer OPT, all 32 wide. OPT's init std is 0.2
    /// rather than 0.02 so the frozen random LM's output depends on its prefix, as a pretrained LM's does.
    /// </summary>
    public static Blip2Config Config(int vocabSize) => Blip2Config.FromVisionQFormerTextConfigs(
        new Blip2VisionConfig
        {
            HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            ImageSize = ImageSize, PatchSize = 4, InitializerRange = 0.02,
        },
        new Blip2QFormerConfig
        {
            VocabSize = vocabSize, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64,
            MaxPositionEmbeddings = 32, CrossAttentionFrequency = 1,
        },
        new OptConfig
        {
            VocabSize = vocabSize, HiddenSize = 32, FfnDim = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            MaxPositionEmbeddings = 64, InitStd = 0.2, BosTokenId = Bos, EosTokenIds = [Eos], PadTokenId = Pad,
        },
        numQueryTokens: 8);

    /// <summary>
    /// A byte-level BPE in which each word (as GPT-2 pre-tokenizes it: "Ġ" for a leading space) is one token. Merges are
    /// added word by word, each joining the first two pieces the merges so far leave, so earlier words stay single tokens.
    /// </summary>
    private static (Dictionary<string, int> Vocab, List<string> Merges) BuildBpe(IEnumerable<string> words)
    {
        var vocab = new Dictionary<string, int> { ["<unk>"] = Unk, ["<pad>"] = Pad, ["<s>"] = Bos, ["</s>"] = Eos };
        var merges = new List<(string Left, string Right)>();
        var pieces = words.Distinct().SelectMany(w => new[] { w, "Ġ" + w }).ToList();
        foreach (string piece in pieces)
        foreach (char c in piece)
            vocab.TryAdd(c.ToString(), vocab.Count);
        foreach (string piece in pieces)
        {
            for (var parts = Apply(piece, merges); parts.Count > 1; parts = Apply(piece, merges))
            {
                merges.Add((parts[0], parts[1]));
                vocab.TryAdd(parts[0] + parts[1], vocab.Count);
            }
        }

        return (vocab, merges.Select(m => $"{m.Left} {m.Right}").ToList());
    }

    // Standard BPE: repeatedly merge the adjacent pair with the lowest rank.
    private static List<string> Apply(string word, List<(string Left, string Right)> merges)
    {
        var parts = word.Select(c => c.ToString()).ToList();
        while (parts.Count > 1)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < parts.Count; i++)
            {
                int rank = merges.IndexOf((parts[i], parts[i + 1]));
                if (rank >= 0 && rank < bestRank) (best, bestRank) = (i, rank);
            }

            if (best < 0) break;
            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }

        return parts;
    }
}
