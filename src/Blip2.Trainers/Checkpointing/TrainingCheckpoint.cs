using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Blip2.IO;
using static TorchSharp.torch;

namespace Blip2.Trainers.Checkpointing;

/// <summary>
/// A checkpoint folder: <c>trainable.safetensors</c> (trained parameters by state-dict name), <c>optimizer.safetensors</c>
/// (AdamW moments <c>exp_avg.NAME</c> / <c>exp_avg_sq.NAME</c>) and <c>trainer_state.json</c> (step, data position, AdamW
/// step counts, early-stopping state, options fingerprint). Random choices are derived from the seed and the step, so
/// no generator state needs saving. Folders are written under a temporary name and renamed when complete.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>File of the trained parameters.</summary>
    public const string ParametersFile = "trainable.safetensors";

    /// <summary>File of the optimizer moments.</summary>
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>File of the trainer state.</summary>
    public const string StateFile = "trainer_state.json";

    private const string FolderPrefix = "step-";
    private const int FormatVersion = 1;

    /// <summary>The folder name of the checkpoint after <paramref name="step"/> updates.</summary>
    public static string FolderName(long step) => FolderPrefix + step.ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>The complete checkpoint with the most updates under <paramref name="directory"/>, or null when there is none.</summary>
    public static string? FindLatest(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        return Directory.GetDirectories(directory, FolderPrefix + "*")
            .Where(d => long.TryParse(Path.GetFileName(d)[FolderPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                        && File.Exists(Path.Combine(d, StateFile)))
            .OrderBy(d => d, StringComparer.Ordinal)
            .LastOrDefault();
    }

    internal static string Write(string directory, TrainerState state,
        IEnumerable<KeyValuePair<string, Tensor>> parameters, IEnumerable<KeyValuePair<string, Tensor>> optimizerState)
    {
        Directory.CreateDirectory(directory);
        string final = Path.Combine(directory, FolderName(state.Step));
        string temporary = Path.Combine(directory, $".{FolderName(state.Step)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            var metadata = new Dictionary<string, string> { ["format"] = "pt" };
            SafetensorsWriter.Write(Path.Combine(temporary, ParametersFile), parameters, metadata);
            SafetensorsWriter.Write(Path.Combine(temporary, OptimizerFile), optimizerState, metadata);
            File.WriteAllText(Path.Combine(temporary, StateFile), Serialize(state).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(temporary, final);
            return final;
        }
        catch
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    internal static TrainerState ReadState(string checkpoint)
    {
        string path = Path.Combine(checkpoint, StateFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{checkpoint} is not a training checkpoint: {StateFile} is missing.", path);
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            int version = json["format_version"]!.GetValue<int>();
            if (version != FormatVersion)
                throw new InvalidDataException($"{path}: format_version {version} is not supported (expected {FormatVersion}).");
            var position = json["position"]!.AsObject();
            var best = json["best_validation_loss"];
            return new TrainerState(
                json["step"]!.GetValue<long>(),
                new TrainingPosition(position["epoch"]!.GetValue<int>(), position["batches_consumed"]!.GetValue<int>()),
                json["train_example_count"]!.GetValue<int>(),
                best is null ? null : best.GetValue<double>(),
                json["validations_without_improvement"]!.GetValue<int>(),
                json["optimizer_steps"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<long>(), StringComparer.Ordinal),
                json["options"]!.AsObject());
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or JsonException)
        {
            throw new InvalidDataException($"{path}: malformed trainer state ({e.Message}).", e);
        }
    }

    private static JsonObject Serialize(TrainerState state)
    {
        var steps = new JsonObject();
        foreach (var (name, t) in state.OptimizerSteps.OrderBy(p => p.Key, StringComparer.Ordinal)) steps[name] = t;
        return new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["step"] = state.Step,
            ["position"] = new JsonObject { ["epoch"] = state.Position.Epoch, ["batches_consumed"] = state.Position.BatchesConsumed },
            ["train_example_count"] = state.TrainExampleCount,
            ["best_validation_loss"] = state.BestValidationLoss,
            ["validations_without_improvement"] = state.ValidationsWithoutImprovement,
            ["optimizer_steps"] = steps,
            ["options"] = state.Options.DeepClone(),
        };
    }
}
