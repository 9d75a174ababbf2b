using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Transforms;
using Microsoft.ML.Blip2.Transforms.Persistence;

namespace Microsoft.ML;

/// <summary>
/// BLIP-2 estimators on <c>mlContext.Transforms</c>: <see cref="Blip2Caption(TransformsCatalog, string, string, string, string?, GenerationOptions?, int)"/>,
/// <see cref="Blip2AnswerQuestion(TransformsCatalog, string, string, string, string, string, GenerationOptions?, int)"/> and
/// <see cref="Blip2MatchImageText(TransformsCatalog, string, string, string, string, ImageTextMatchingMode, int)"/>.
/// </summary>
public static class Blip2Catalog
{
    /// <summary>Captions the images of <paramref name="imageColumnName"/> into the text column <paramref name="outputColumnName"/>.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Output text column.</param>
    /// <param name="imageColumnName">Image column: <c>MLImage</c>, text (file path) or a byte vector (encoded image).</param>
    /// <param name="modelDirectory">Hugging Face BLIP-2 directory (model, preprocessor and tokenizer files).</param>
    /// <param name="prompt">Optional text the caption continues.</param>
    /// <param name="generationOptions">How to generate; the checkpoint's defaults when null.</param>
    /// <param name="batchSize">Rows per model call.</param>
    public static ImageCaptioningEstimator Blip2Caption(this TransformsCatalog catalog, string outputColumnName, string imageColumnName,
        string modelDirectory, string? prompt = null, GenerationOptions? generationOptions = null, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImageCaptioningEstimator(MLNetInternals.EnvironmentOf(catalog), new ImageCaptioningEstimator.Options
        {
            OutputColumnName = outputColumnName,
            ImageColumnName = imageColumnName,
            ModelDirectory = modelDirectory,
            Prompt = prompt,
            Generation = generationOptions,
            BatchSize = batchSize,
        });
    }

    /// <summary>Captions images with all settings given.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The settings (copied).</param>
    public static ImageCaptioningEstimator Blip2Caption(this TransformsCatalog catalog, ImageCaptioningEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImageCaptioningEstimator(MLNetInternals.EnvironmentOf(catalog), options);
    }

    /// <summary>Answers the question of <paramref name="questionColumnName"/> about the row's image.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Output text column.</param>
    /// <param name="imageColumnName">Image column: <c>MLImage</c>, text (file path) or a byte vector (encoded image).</param>
    /// <param name="questionColumnName">Text column with the questions.</param>
    /// <param name="modelDirectory">Hugging Face BLIP-2 directory (model, preprocessor and tokenizer files).</param>
    /// <param name="promptTemplate">Prompt format with <c>{0}</c> for the question.</param>
    /// <param name="generationOptions">How to generate; the checkpoint's defaults when null.</param>
    /// <param name="batchSize">Rows per model call.</param>
    public static VqaEstimator Blip2AnswerQuestion(this TransformsCatalog catalog, string outputColumnName, string imageColumnName,
        string questionColumnName, string modelDirectory, string promptTemplate = VqaEstimator.DefaultPromptTemplate,
        GenerationOptions? generationOptions = null, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VqaEstimator(MLNetInternals.EnvironmentOf(catalog), new VqaEstimator.Options
        {
            OutputColumnName = outputColumnName,
            ImageColumnName = imageColumnName,
            QuestionColumnName = questionColumnName,
            ModelDirectory = modelDirectory,
            PromptTemplate = promptTemplate,
            Generation = generationOptions,
            BatchSize = batchSize,
        });
    }

    /// <summary>Answers questions with all settings given.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The settings (copied).</param>
    public static VqaEstimator Blip2AnswerQuestion(this TransformsCatalog catalog, VqaEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VqaEstimator(MLNetInternals.EnvironmentOf(catalog), options);
    }

    /// <summary>Scores how well the text of <paramref name="textColumnName"/> matches the row's image (a <c>float</c>).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Output <c>float</c> column.</param>
    /// <param name="imageColumnName">Image column: <c>MLImage</c>, text (file path) or a byte vector (encoded image).</param>
    /// <param name="textColumnName">Text column.</param>
    /// <param name="modelDirectory">Hugging Face <c>Blip2ForImageTextRetrieval</c> directory (model, preprocessor and tokenizer files).</param>
    /// <param name="mode">ITM probability or ITC cosine similarity.</param>
    /// <param name="batchSize">Rows per model call.</param>
    public static ImageTextMatchingEstimator Blip2MatchImageText(this TransformsCatalog catalog, string outputColumnName, string imageColumnName,
        string textColumnName, string modelDirectory, ImageTextMatchingMode mode = ImageTextMatchingMode.Itm, int batchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImageTextMatchingEstimator(MLNetInternals.EnvironmentOf(catalog), new ImageTextMatchingEstimator.Options
        {
            OutputColumnName = outputColumnName,
            ImageColumnName = imageColumnName,
            TextColumnName = textColumnName,
            ModelDirectory = modelDirectory,
            Mode = mode,
            BatchSize = batchSize,
        });
    }

    /// <summary>Scores image–text pairs with all settings given.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The settings (copied).</param>
    public static ImageTextMatchingEstimator Blip2MatchImageText(this TransformsCatalog catalog, ImageTextMatchingEstimator.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ImageTextMatchingEstimator(MLNetInternals.EnvironmentOf(catalog), options);
    }
}
