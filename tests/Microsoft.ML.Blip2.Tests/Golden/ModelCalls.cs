using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Modeling.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>Golden calls on model cases: forward-type calls and generate calls, by the model class that saved the case.</summary>
public static class ModelCalls
{
    /// <summary>Runs one model call and compares every output case.json lists.</summary>
    public static void Run(GoldenCall call)
    {
        string dir = call.Case.ModelDirectory;
        string architecture = GoldenRunner.Architecture(dir);
        if (call.Method == "generate")
        {
            GenerationCalls.Run(call, architecture);
            return;
        }
        using var scope = NewDisposeScope();
        var produced = architecture switch
        {
            "Blip2ForConditionalGeneration" => ConditionalGeneration(call, dir),
            "Blip2Model" => Blip2ModelCall(call, dir),
            "Blip2ForImageTextRetrieval" => Retrieval(call, dir),
            "Blip2VisionModel" => Vision(call, dir),
            _ => throw new AssertInconclusiveException($"{call.Case.Name}/{call.Name}: no golden runner for architecture {architecture}."),
        };
        CompareOutputs(call, produced);
    }

    /// <summary>Compares each output listed in case.json with the produced tensor of the same HF field name.</summary>
    public static void CompareOutputs(GoldenCall call, IReadOnlyDictionary<string, Tensor> produced)
    {
        var outputs = call.Outputs;
        Assert.IsTrue(outputs.Count > 0, $"{call.Case.Name}/{call.Name}: case.json lists no outputs");
        foreach (var output in outputs)
        {
            if (!produced.TryGetValue(output.Field, out var actual))
                Assert.Fail($"{call.Case.Name}/{call.Name}: output '{output.Field}' was not produced (produced: {string.Join(", ", produced.Keys)}).");
            using var expected = call.Case.ExpectedTensor(output.Tensor);
            var a = actual.numel() == expected.numel() && actual.dim() != expected.dim() ? actual.reshape(expected.shape) : actual;
            string what = $"{call.Case.Name}/{call.Name} {output.Field}";
            if (output.Exact) TensorAssert.AreEqual(expected, a, what);
            else TensorAssert.AreClose(expected, a, output.Atol, output.Rtol, what);
        }
    }

    private static Dictionary<string, Tensor> ConditionalGeneration(GoldenCall call, string dir)
    {
        using var model = Blip2ForConditionalGeneration.FromPretrained(dir);
        var output = model.Forward(call.Input("pixel_values")!, call.Input("input_ids")!, call.Input("attention_mask"),
            call.Input("decoder_input_ids"), call.Input("decoder_attention_mask"), call.Input("labels"));
        var result = new Dictionary<string, Tensor>
        {
            ["vision_outputs.last_hidden_state"] = output.VisionOutputs.LastHiddenState,
            ["vision_outputs.pooler_output"] = output.VisionOutputs.PoolerOutput,
            ["qformer_outputs.last_hidden_state"] = output.QFormerOutputs.LastHiddenState,
            ["model.language_projection(qformer_outputs.last_hidden_state)"] = output.LanguageModelInputs,
            ["logits"] = output.Logits,
        };
        if (output.Loss is not null) result["loss"] = output.Loss;
        if (output.EncoderLastHiddenState is not null) result["language_model_outputs.encoder_last_hidden_state"] = output.EncoderLastHiddenState;
        return result;
    }

    private static Dictionary<string, Tensor> Blip2ModelCall(GoldenCall call, string dir)
    {
        using var model = Blip2Model.FromPretrained(dir);
        string python = call.Python;
        if (python.Contains("get_image_features", StringComparison.Ordinal))
        {
            var o = model.GetImageFeatures(call.Input("pixel_values")!);
            return new() { ["last_hidden_state"] = o.LastHiddenState, ["pooler_output"] = o.PoolerOutput };
        }
        if (python.Contains("get_qformer_features", StringComparison.Ordinal))
        {
            var o = model.GetQFormerFeatures(call.Input("pixel_values")!);
            return new() { ["last_hidden_state"] = o.LastHiddenState, ["pooler_output"] = o.PoolerOutput };
        }
        if (python.Contains("get_text_features", StringComparison.Ordinal))
        {
            var o = model.GetTextFeatures(call.Input("input_ids")!, call.Input("attention_mask"), call.Input("decoder_input_ids"),
                call.Input("decoder_attention_mask"), call.Input("labels"));
            return new() { ["logits"] = o.Logits };
        }
        var f = model.Forward(call.Input("pixel_values")!, call.Input("input_ids")!, call.Input("attention_mask"),
            call.Input("decoder_input_ids"), call.Input("decoder_attention_mask"), call.Input("labels"));
        var result = new Dictionary<string, Tensor> { ["logits"] = f.Logits };
        if (f.Loss is not null) result["loss"] = f.Loss;
        return result;
    }

    private static Dictionary<string, Tensor> Retrieval(GoldenCall call, string dir)
    {
        string python = call.Python;
        if (python.Contains("Blip2TextModelWithProjection", StringComparison.Ordinal))
        {
            using var textModel = Blip2TextModelWithProjection.FromPretrained(dir);
            var o = textModel.Forward(call.Input("input_ids")!, call.Input("attention_mask"));
            return new() { ["text_embeds"] = o.TextEmbeds, ["last_hidden_state"] = o.LastHiddenState };
        }
        if (python.Contains("Blip2VisionModelWithProjection", StringComparison.Ordinal))
        {
            using var visionModel = Blip2VisionModelWithProjection.FromPretrained(dir);
            var o = visionModel.Forward(call.Input("pixel_values")!);
            return new() { ["image_embeds"] = o.ImageEmbeds, ["last_hidden_state"] = o.LastHiddenState };
        }
        using var model = Blip2ForImageTextRetrieval.FromPretrained(dir);
        var output = model.Forward(call.Input("pixel_values")!, call.Input("input_ids")!, call.Input("attention_mask"),
            call.BoolKwarg("use_image_text_matching_head") ?? false);
        return new()
        {
            ["logits_per_image"] = output.LogitsPerImage,
            ["logits_per_text"] = output.LogitsPerText,
            ["text_embeds"] = output.TextEmbeds,
            ["image_embeds"] = output.ImageEmbeds,
            ["text_model_output.last_hidden_state"] = output.TextModelOutput.LastHiddenState,
            ["vision_model_output.last_hidden_state"] = output.VisionModelOutput.LastHiddenState,
        };
    }

    private static Dictionary<string, Tensor> Vision(GoldenCall call, string dir)
    {
        using var model = Blip2VisionModel.FromPretrained(dir);
        var pixels = call.Input("pixel_values")!;
        bool interpolate = call.BoolKwarg("interpolate_pos_encoding") ?? false;
        var output = model.Forward(pixels, interpolate);
        long height = pixels.shape[2], width = pixels.shape[3], patch = model.Config.PatchSize;
        using (no_grad())
        {
            var positions = model.Embeddings.InterpolatePositions(height / patch * (width / patch), height, width);
            return new()
            {
                ["last_hidden_state"] = output.LastHiddenState,
                ["pooler_output"] = output.PoolerOutput,
                ["embeddings.interpolate_pos_encoding(...)"] = positions,
            };
        }
    }
}
