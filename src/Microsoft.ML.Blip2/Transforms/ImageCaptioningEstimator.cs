using Microsoft.ML.Runtime;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// Captions images with a BLIP-2 <c>Blip2ForConditionalGeneration</c> checkpoint (OPT or Flan-T5): one text per row,
/// equal to Hugging Face's <c>generate</c> + <c>decode(skip_special_tokens=True).strip()</c>. Create it with
/// <c>mlContext.Transforms.Blip2Caption(...)</c>.
/// </summary>
public sealed class ImageCaptioningEstimator : IEstimator<ImageCaptioningTransformer>
{
    private readonly IHost host;
    private readonly Options options;

    /// <summary>Creates the estimator; the options are copied and validated.</summary>
    /// <param name="env">The ML.NET environment (an <see cref="MLContext"/>): fine-tuning logs to its channels (<see cref="MLContext.Log"/>).</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public ImageCaptioningEstimator(IHostEnvironment env, Options options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        host = env.Register(nameof(ImageCaptioningEstimator));
        this.options = (Options)options.Copy();
        this.options.Validate();
    }

    /// <summary>Checks the input columns and loads the model (nothing is trained).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image column is missing or has the wrong type.</exception>
    /// <exception cref="FileNotFoundException">A model file is missing (the message names it).</exception>
    public ImageCaptioningTransformer Fit(IDataView input) => (ImageCaptioningTransformer)Blip2Tasks.Fit(options, input, host);

    /// <summary>The input shape plus the output columns; checks the input columns and that the model files exist.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image column is missing or has the wrong type.</exception>
    /// <exception cref="FileNotFoundException">A model file is missing (the message names it).</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Blip2Tasks.GetOutputSchema(options, inputSchema);

    /// <summary>Settings of <see cref="ImageCaptioningEstimator"/>.</summary>
    public sealed class Options : Blip2TextGenerationOptions
    {
        /// <summary>
        /// Text the caption continues (e.g. <c>"a photo of"</c>); <see langword="null"/> or empty generates from the start
        /// token alone. The output holds only the generated text, not the prompt.
        /// </summary>
        public string? Prompt { get; set; }
    }
}
