using Microsoft.ML.Runtime;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// Scores how well each row's text matches the row's image with a BLIP-2 <c>Blip2ForImageTextRetrieval</c>
/// checkpoint (e.g. <c>Salesforce/blip2-itm-vit-g</c>): ITM probability or ITC cosine similarity as a <c>float</c>.
/// Create it with <c>mlContext.Transforms.Blip2MatchImageText(...)</c>.
/// </summary>
public sealed class ImageTextMatchingEstimator : IEstimator<ImageTextMatchingTransformer>
{
    private readonly IHost host;
    private readonly Options options;

    /// <summary>Creates the estimator; the options are copied and validated.</summary>
    /// <param name="env">The ML.NET environment (an <see cref="MLContext"/>): fine-tuning logs to its channels (<see cref="MLContext.Log"/>).</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public ImageTextMatchingEstimator(IHostEnvironment env, Options options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        host = env.Register(nameof(ImageTextMatchingEstimator));
        this.options = (Options)options.Copy();
        this.options.Validate();
    }

    /// <summary>Checks the input columns and loads the model (nothing is trained).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image or text column is missing or has the wrong type.</exception>
    /// <exception cref="FileNotFoundException">A model file is missing (the message names it).</exception>
    public ImageTextMatchingTransformer Fit(IDataView input) => (ImageTextMatchingTransformer)Blip2Tasks.Fit(options, input, host);

    /// <summary>The input shape plus the output columns; checks the input columns and that the model files exist.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image or text column is missing or has the wrong type.</exception>
    /// <exception cref="FileNotFoundException">A model file is missing (the message names it).</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Blip2Tasks.GetOutputSchema(options, inputSchema);

    /// <summary>Settings of <see cref="ImageTextMatchingEstimator"/>.</summary>
    public sealed class Options : Blip2TransformOptions
    {
        /// <summary>Text column holding each row's text.</summary>
        public string TextColumnName { get; set; } = string.Empty;

        /// <summary>ITM probability (default) or ITC cosine similarity.</summary>
        public ImageTextMatchingMode Mode { get; set; } = ImageTextMatchingMode.Itm;

        /// <inheritdoc />
        internal override void Validate()
        {
            base.Validate();
            RequireName(TextColumnName, nameof(TextColumnName));
            if (!Enum.IsDefined(Mode))
                throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown image–text matching mode.");
        }
    }
}
