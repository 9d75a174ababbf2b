using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// The generic <c>PretrainedConfig</c> keys (transformers 4.45) that no typed property models. They live in
/// <see cref="PretrainedConfig.ExtraProperties"/> when a file sets them; otherwise the full form writes these
/// defaults, as <c>to_dict()</c> does.
/// </summary>
internal static class GenericConfigProperties
{
    private static readonly string[] AllowedProblemTypes = ["regression", "single_label_classification", "multi_label_classification"];

    /// <summary>Keys Hugging Face consumes without keeping: <c>to_dict()</c> never writes them.</summary>
    private static readonly string[] DroppedKeys = ["_commit_hash", "attn_implementation", "_attn_implementation_internal", "xla_device"];

    /// <summary>Defaults of the untyped generic keys, as <c>PretrainedConfig().to_dict()</c> has them.</summary>
    public static JsonObject UntypedDefaults() => new()
    {
        ["add_cross_attention"] = false,
        ["bad_words_ids"] = null,
        ["begin_suppress_tokens"] = null,
        ["chunk_size_feed_forward"] = 0,
        ["cross_attention_hidden_size"] = null,
        ["diversity_penalty"] = PythonJsonNumber.ToNode(0.0, "diversity_penalty"),
        ["encoder_no_repeat_ngram_size"] = 0,
        ["exponential_decay_length_penalty"] = null,
        ["finetuning_task"] = null,
        ["forced_bos_token_id"] = null,
        ["forced_eos_token_id"] = null,
        ["id2label"] = DefaultId2Label(2),
        ["label2id"] = DefaultLabel2Id(2),
        ["num_beam_groups"] = 1,
        ["output_attentions"] = false,
        ["output_hidden_states"] = false,
        ["output_scores"] = false,
        ["prefix"] = null,
        ["problem_type"] = null,
        ["pruned_heads"] = new JsonObject(),
        ["remove_invalid_values"] = false,
        ["return_dict"] = true,
        ["return_dict_in_generate"] = false,
        ["suppress_tokens"] = null,
        ["task_specific_params"] = null,
        ["tf_legacy_loss"] = false,
        ["tie_encoder_decoder"] = false,
        ["tokenizer_class"] = null,
        ["torchscript"] = false,
        ["typical_p"] = PythonJsonNumber.ToNode(1.0, "typical_p"),
        ["use_bfloat16"] = false,
    };

    /// <summary>
    /// Applies <c>PretrainedConfig.__init__</c>'s handling of the keys left after the typed ones: drops the keys it
    /// discards, turns <c>num_labels</c> into <c>id2label</c>/<c>label2id</c>, and validates the label maps and
    /// <c>problem_type</c>.
    /// </summary>
    public static ExtraJsonProperties ToExtraProperties(JsonObject unread, ConfigJsonReader reader)
    {
        foreach (string key in DroppedKeys)
        {
            unread.Remove(key);
        }

        int? numLabels = null;
        if (unread.TryGetPropertyValue("num_labels", out JsonNode? numLabelsNode))
        {
            unread.Remove("num_labels");
            numLabels = reader.ToInt32("num_labels", numLabelsNode);
            if (numLabels < 0)
            {
                throw reader.Error("num_labels", $"must not be negative, found {numLabels}.");
            }
        }

        if (unread.TryGetPropertyValue("label2id", out JsonNode? label2Id) && label2Id is not null and not JsonObject)
        {
            throw reader.Error("label2id", $"must be an object, found {ConfigJsonReader.Describe(label2Id)}.");
        }

        if (unread.TryGetPropertyValue("id2label", out JsonNode? id2Label) && id2Label is not null)
        {
            // HF converts the keys with int(); anything else fails there.
            JsonObject map = id2Label as JsonObject
                ?? throw reader.Error("id2label", $"must be an object, found {ConfigJsonReader.Describe(id2Label)}.");
            foreach ((string key, _) in map)
            {
                if (!int.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    throw reader.Error("id2label", $"has key '{key}', which is not an integer.");
                }
            }
        }
        else
        {
            // Without id2label HF builds both maps from num_labels (default 2), replacing any label2id of the file.
            unread.Remove("id2label");
            unread.Remove("label2id");
            if (numLabels is int n && n != 2)
            {
                unread["id2label"] = DefaultId2Label(n);
                unread["label2id"] = DefaultLabel2Id(n);
            }
        }

        if (unread.TryGetPropertyValue("problem_type", out JsonNode? problemType) && problemType is not null &&
            (problemType.GetValueKind() != JsonValueKind.String || !AllowedProblemTypes.Contains(problemType.GetValue<string>())))
        {
            throw reader.Error("problem_type", $"must be null or one of {string.Join(", ", AllowedProblemTypes)}, found {ConfigJsonReader.Describe(problemType)}.");
        }

        return ExtraJsonProperties.From(unread);
    }

    private static JsonObject DefaultId2Label(int count) => new(
        Enumerable.Range(0, count).Select(i => new KeyValuePair<string, JsonNode?>(
            i.ToString(CultureInfo.InvariantCulture), JsonValue.Create($"LABEL_{i}"))));

    private static JsonObject DefaultLabel2Id(int count) => new(
        Enumerable.Range(0, count).Select(i => new KeyValuePair<string, JsonNode?>($"LABEL_{i}", JsonValue.Create(i))));
}
