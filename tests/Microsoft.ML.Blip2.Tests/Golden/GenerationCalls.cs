using System.Text.Json;
using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>Golden <c>generate</c> calls: kwargs become <see cref="GenerationOptions"/>; outputs are compared by HF field name.</summary>
public static class GenerationCalls
{
    /// <summary>Runs one generate call.</summary>
    public static void Run(GoldenCall call, string architecture)
    {
        if (architecture != "Blip2ForConditionalGeneration")
            throw new AssertInconclusiveException($"{call.Case.Name}/{call.Name}: generate is only defined for Blip2ForConditionalGeneration, not {architecture}.");
        using var scope = NewDisposeScope();
        using var model = Blip2ForConditionalGeneration.FromPretrained(call.Case.ModelDirectory);
        var options = ToOptions(call);
        using var output = model.Generate(call.Input("pixel_values")!, call.Input("input_ids"), call.Input("attention_mask"), options);
        var produced = new Dictionary<string, Tensor> { ["sequences"] = output.Sequences };
        if (output.Scores is not null) produced["scores"] = output.Scores;
        if (output.SequencesScores is not null) produced["sequences_scores"] = output.SequencesScores;
        if (!model.Config.TextConfig.IsEncoderDecoder)
        {
            // What HF's language model returned before BLIP-2 prepends BOS (recorded where 4.45 itself crashes).
            long bos = options.BosTokenId ?? model.Config.TextConfig.BosTokenId!.Value;
            var first = output.Sequences.select(1, 0);
            Assert.IsTrue(first.eq(bos).all().item<bool>(), $"{call.Case.Name}/{call.Name}: every row must start with BOS {bos}");
            produced["lm_sequences"] = output.Sequences.narrow(1, 1, output.Sequences.shape[1] - 1);
        }
        ModelCalls.CompareOutputs(call, produced);
    }

    /// <summary>Maps the HF kwargs of a call to options; an unknown kwarg fails the test instead of being ignored.</summary>
    public static GenerationOptions ToOptions(GoldenCall call)
    {
        var options = new GenerationOptions { OutputScores = call.Outputs.Any(o => o.Field == "scores") };
        if (call.Kwargs.ValueKind != JsonValueKind.Object) return options;
        foreach (var kw in call.Kwargs.EnumerateObject())
        {
            var v = kw.Value;
            options = kw.Name switch
            {
                "max_new_tokens" => options with { MaxNewTokens = v.GetInt32() },
                "max_length" => options with { MaxLength = v.GetInt32() },
                "min_new_tokens" => options with { MinNewTokens = v.GetInt32() },
                "min_length" => options with { MinLength = v.GetInt32() },
                "num_beams" => options with { NumBeams = v.GetInt32() },
                "num_return_sequences" => options with { NumReturnSequences = v.GetInt32() },
                "do_sample" => options with { DoSample = v.GetBoolean() },
                "length_penalty" => options with { LengthPenalty = v.GetDouble() },
                "repetition_penalty" => options with { RepetitionPenalty = v.GetDouble() },
                "no_repeat_ngram_size" => options with { NoRepeatNgramSize = v.GetInt32() },
                "temperature" => options with { Temperature = v.GetDouble() },
                "top_k" => options with { TopK = v.GetInt32() },
                "top_p" => options with { TopP = v.GetDouble() },
                "early_stopping" => options with
                {
                    EarlyStopping = v.ValueKind == JsonValueKind.String ? EarlyStoppingMode.Never
                        : v.GetBoolean() ? EarlyStoppingMode.WhenNumBeamsFinished : EarlyStoppingMode.Heuristic,
                },
                _ => throw new AssertFailedException($"{call.Case.Name}/{call.Name}: generate kwarg '{kw.Name}' is not mapped to GenerationOptions."),
            };
        }
        return options;
    }
}
