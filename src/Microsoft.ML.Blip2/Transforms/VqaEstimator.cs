using System.Globalization;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>
/// Answers a question per row about the row's image with a BLIP-2 <c>Blip2ForConditionalGeneration</c> checkpoint: the
/// prompt is <see cref="Options.PromptTemplate"/> with the question inserted. Create it with
/// <c>mlContext.Transforms.Blip2AnswerQuestion(...)</c>.
/// </summary>
public sealed class VqaEstimator : IEstimator<VqaTransformer>
{
    /// <summary>The prompt format of the BLIP-2 paper and model cards.</summary>
    public const string DefaultPromptTemplate = "Question: {0} Answer:";

    private readonly IHost host;
    private readonly Options options;

    /// <summary>Creates the estimator; the options are copied and validated.</summary>
    /// <param name="env">The ML.NET environment (an <see cref="MLContext"/>): fine-tuning logs to its channels (<see cref="MLContext.Log"/>).</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public VqaEstimator(IHostEnvironment env, Options options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        host = env.Register(nameof(VqaEstimator));
        this.options = (Options)options.Copy();
        this.options.Validate();
    }

    /// <summary>Checks the input columns and loads the model (nothing is trained).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image or question column is missing or has the wrong type.</exception>
    /// <exception cref="FileNotFoundException">A model file is missing (the message names it).</exception>
    public VqaTransformer Fit(IDataView input) => (VqaTransformer)Blip2Tasks.Fit(options, input, host);

    /// <summary>The input shape plus the output columns; checks the input columns and that the model files exist.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The image or question column is missing or has the wrong type.</exception>
    /// <exception cref="FileNotFoundException">A model file is missing (the message names it).</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Blip2Tasks.GetOutputSchema(options, inputSchema);

    /// <summary>Settings of <see cref="VqaEstimator"/>.</summary>
    public sealed class Options : Blip2TextGenerationOptions
    {
        /// <summary>Text column holding each row's question.</summary>
        public string QuestionColumnName { get; set; } = string.Empty;

        /// <summary>Composite format string with <c>{0}</c> for the question (default <see cref="DefaultPromptTemplate"/>).</summary>
        public string PromptTemplate { get; set; } = DefaultPromptTemplate;

        /// <inheritdoc />
        internal override void Validate()
        {
            base.Validate();
            RequireName(QuestionColumnName, nameof(QuestionColumnName));
            ArgumentNullException.ThrowIfNull(PromptTemplate, nameof(PromptTemplate));
            string probe;
            try
            {
                probe = string.Format(CultureInfo.InvariantCulture, PromptTemplate, "\u0001");
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"{nameof(PromptTemplate)} '{PromptTemplate}' is not a valid format string with one argument: {e.Message}", nameof(PromptTemplate), e);
            }

            if (!probe.Contains('\u0001', StringComparison.Ordinal))
                throw new ArgumentException($"{nameof(PromptTemplate)} '{PromptTemplate}' does not contain {{0}} for the question.", nameof(PromptTemplate));
        }
    }
}
