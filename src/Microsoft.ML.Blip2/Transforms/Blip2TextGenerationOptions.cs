using Microsoft.ML.Blip2.Generation;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>Settings shared by the text-generating estimators (captioning and visual question answering).</summary>
public abstract class Blip2TextGenerationOptions : Blip2TransformOptions
{
    private protected Blip2TextGenerationOptions()
    {
    }

    /// <summary>How to generate; <see langword="null"/> uses the checkpoint's defaults (as Hugging Face's <c>generate()</c>).</summary>
    public GenerationOptions? Generation { get; set; }

    /// <summary>Optional output column with the generated token ids (<c>VBuffer&lt;long&gt;</c>), up to and including the first end-of-sequence token.</summary>
    public string? TokenIdsColumnName { get; set; }

    /// <summary>
    /// Optional <c>float</c> output column with the sequence score: with beam search Hugging Face's
    /// <c>sequences_scores</c> (length-normalised log-probability); otherwise the mean log-probability, under the
    /// processed next-token distribution, of the generated tokens up to and including the first end-of-sequence token.
    /// </summary>
    public string? SequenceScoreColumnName { get; set; }

    /// <summary>
    /// Text column with the target caption / answer of each training row. When set (with <see cref="Blip2TransformOptions.FineTuner"/>),
    /// <c>Fit</c> fine-tunes the model on the training data and the transformer uses the fine-tuned weights; when
    /// <see langword="null"/>, <c>Fit</c> only loads the model.
    /// </summary>
    public string? LabelColumnName { get; set; }


    /// <inheritdoc />
    internal override void Validate()
    {
        base.Validate();
        if (LabelColumnName is { } label && string.IsNullOrWhiteSpace(label))
            throw new ArgumentException($"{nameof(LabelColumnName)} must be null or a column name, not empty.", nameof(LabelColumnName));
        if (LabelColumnName is not null && FineTuner is null)
            throw new ArgumentException($"{nameof(LabelColumnName)} '{LabelColumnName}' is set but {nameof(FineTuner)} is null: fine-tuning needs a fine-tuner (e.g. Blip2.Trainers.QFormerFineTuner).", nameof(FineTuner));
        if (LabelColumnName is null && FineTuner is not null)
            throw new ArgumentException($"{nameof(FineTuner)} is set but {nameof(LabelColumnName)} is null: name the column with the target texts.", nameof(LabelColumnName));
        if (TokenIdsColumnName is { Length: 0 })
            throw new ArgumentException($"{nameof(TokenIdsColumnName)} must be null or a column name, not empty.", nameof(TokenIdsColumnName));
        if (SequenceScoreColumnName is { Length: 0 })
            throw new ArgumentException($"{nameof(SequenceScoreColumnName)} must be null or a column name, not empty.", nameof(SequenceScoreColumnName));
        if (Generation is { } generation)
        {
            generation.Validate();
            if (generation.NumReturnSequences != 1)
                throw new ArgumentException($"GenerationOptions.NumReturnSequences must be 1 in an ML.NET pipeline (one output per row), got {generation.NumReturnSequences}.", nameof(Generation));
        }
    }
}
