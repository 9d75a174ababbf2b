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

    /// <inheritdoc />
    internal override void Validate()
    {
        base.Validate();
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
