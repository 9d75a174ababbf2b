using System.Text.Json;
using System.Text.Json.Nodes;

namespace Blip2.Trainers.Checkpointing;

/// <summary>
/// The options a resumed run must share with the run that wrote the checkpoint for the continuation to be identical:
/// every option except where checkpoints go, how often to validate, early stopping and feature caching.
/// </summary>
internal static class OptionsFingerprint
{
    private static readonly HashSet<string> Excluded =
    [
        nameof(QFormerTrainingOptions.CheckpointDirectory),
        nameof(QFormerTrainingOptions.CheckpointEverySteps),
        nameof(QFormerTrainingOptions.ValidateEverySteps),
        nameof(QFormerTrainingOptions.EarlyStoppingPatience),
        nameof(QFormerTrainingOptions.CacheImageFeatures),
    ];

    private static readonly JsonSerializerOptions Json = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>The fingerprint of <paramref name="options"/>.</summary>
    public static JsonObject Of(QFormerTrainingOptions options)
    {
        var all = JsonSerializer.SerializeToNode(options, Json)!.AsObject();
        var result = new JsonObject();
        foreach (var (key, value) in all)
        {
            if (!Excluded.Contains(key)) result[key] = value?.DeepClone();
        }
        return result;
    }

    /// <summary>Throws naming every option that differs between the checkpoint and the current run.</summary>
    public static void RequireSame(JsonObject saved, QFormerTrainingOptions current, string checkpoint)
    {
        var now = Of(current);
        var differences = now.Select(p => p.Key).Union(saved.Select(p => p.Key))
            .Where(k => !JsonNode.DeepEquals(saved[k], now[k]))
            .Select(k => $"{k} (checkpoint {saved[k]?.ToJsonString() ?? "absent"}, now {now[k]?.ToJsonString() ?? "absent"})")
            .ToList();
        if (differences.Count > 0)
            throw new ArgumentException(
                $"Cannot resume from {checkpoint}: these options differ from the run that wrote it, so the continuation would not be the same: {string.Join("; ", differences)}.",
                "options");
    }
}
