using Microsoft.ML.Blip2.Configuration;

namespace Blip2.Trainers.Data;

/// <summary>Picks the collator that matches a model configuration.</summary>
public static class TrainingCollators
{
    /// <summary>
    /// The captioning / VQA collator for <paramref name="config"/>: <see cref="OptTrainingCollator"/> with the text config's
    /// BOS / EOS / PAD ids (and image tokens when <c>image_token_index</c> is set), or <see cref="T5TrainingCollator"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A special-token id the collator needs is missing from the config.</exception>
    public static ITokenCollator ForLanguageModeling(Blip2Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = config.TextConfig;
        return text switch
        {
            OptConfig => new OptTrainingCollator(
                Require(text.BosTokenId, "bos_token_id"), Require(text.EosTokenId, "eos_token_id"), Require(text.PadTokenId, "pad_token_id"),
                config.ImageTokenIndex, config.ImageTokenIndex is null ? 0 : config.NumQueryTokens),
            T5Config => new T5TrainingCollator(Require(text.EosTokenId, "eos_token_id"), Require(text.PadTokenId, "pad_token_id")),
            _ => throw new NotSupportedException($"No training collator for text config {text.GetType().Name}."),
        };
    }

    private static long Require(int? id, string name) =>
        id ?? throw new InvalidOperationException($"text_config.{name} is not set; the training collator needs it.");
}
