using Blip2.Trainers;
using Blip2.Trainers.MLNet;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Transforms;

namespace Microsoft.ML;

/// <summary>
/// BLIP-2 estimators that fine-tune in <c>Fit</c>: the Q-Former (by default) learns the training data (captions, answers
/// or matching image–text pairs), and the fitted transformer runs the fine-tuned model.
/// </summary>
public static class Blip2FineTuningCatalog
{
    /// <summary>Fine-tunes a captioning model on <paramref name="labelColumnName"/> in <c>Fit</c>, then captions with it.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Output text column.</param>
    /// <param name="imageColumnName">Image column: <c>MLImage</c>, text (file path) or a byte vector (encoded image).</param>
    /// <param name="modelDirectory">Hugging Face BLIP-2 directory (model, preprocessor and tokenizer files) to start from.</param>
    /// <param name="labelColumnName">Text column with each training image's caption.</param>
    /// <param name="trainingOptions">Training settings.</param>
    /// <param name="progress">Receives a report after every optimizer step, or null.</param>
    /// <param name="prompt">Optional text the captions continue (used in training and prediction).</param>
    /// <param name="generationOptions">How to generate after training; the checkpoint's defaults when null.</param>
    /// <param name="cancellationToken">Cancels training (<c>Fit</c> throws <see cref="OperationCanceledException"/>).</param>
    public static ImageCaptioningEstimator Blip2Caption(this TransformsCatalog catalog, string outputColumnName, string imageColumnName,
        string modelDirectory, string labelColumnName, QFormerTrainingOptions trainingOptions, IProgress<TrainingProgress>? progress = null,
        string? prompt = null, GenerationOptions? generationOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Blip2Caption(new ImageCaptioningEstimator.Options
        {
            OutputColumnName = outputColumnName,
            ImageColumnName = imageColumnName,
            ModelDirectory = modelDirectory,
            Prompt = prompt,
            Generation = generationOptions,
            LabelColumnName = labelColumnName,
            FineTuner = new QFormerFineTuner(trainingOptions, progress),
            FineTuningCancellation = cancellationToken,
        });
    }

    /// <summary>Fine-tunes a VQA model on the answers of <paramref name="labelColumnName"/> in <c>Fit</c>, then answers with it.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Output text column.</param>
    /// <param name="imageColumnName">Image column: <c>MLImage</c>, text (file path) or a byte vector (encoded image).</param>
    /// <param name="questionColumnName">Text column with the questions.</param>
    /// <param name="modelDirectory">Hugging Face BLIP-2 directory to start from.</param>
    /// <param name="labelColumnName">Text column with each training row's answer.</param>
    /// <param name="trainingOptions">Training settings.</param>
    /// <param name="progress">Receives a report after every optimizer step, or null.</param>
    /// <param name="promptTemplate">Prompt format with <c>{0}</c> for the question (used in training and prediction).</param>
    /// <param name="generationOptions">How to generate after training; the checkpoint's defaults when null.</param>
    /// <param name="cancellationToken">Cancels training (<c>Fit</c> throws <see cref="OperationCanceledException"/>).</param>
    public static VqaEstimator Blip2AnswerQuestion(this TransformsCatalog catalog, string outputColumnName, string imageColumnName,
        string questionColumnName, string modelDirectory, string labelColumnName, QFormerTrainingOptions trainingOptions,
        IProgress<TrainingProgress>? progress = null, string promptTemplate = VqaEstimator.DefaultPromptTemplate,
        GenerationOptions? generationOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Blip2AnswerQuestion(new VqaEstimator.Options
        {
            OutputColumnName = outputColumnName,
            ImageColumnName = imageColumnName,
            QuestionColumnName = questionColumnName,
            ModelDirectory = modelDirectory,
            PromptTemplate = promptTemplate,
            Generation = generationOptions,
            LabelColumnName = labelColumnName,
            FineTuner = new QFormerFineTuner(trainingOptions, progress),
            FineTuningCancellation = cancellationToken,
        });
    }

    /// <summary>
    /// Fine-tunes an image–text retrieval model (<see cref="QFormerTrainingOptions.RetrievalObjectives"/>: ITC + ITM by
    /// default, ITG optional; in-batch negatives) on the rows' (image, text) pairs in
    /// <c>Fit</c>, then scores how well each row's text matches its image.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Output <c>float</c> column.</param>
    /// <param name="imageColumnName">Image column: <c>MLImage</c>, text (file path) or a byte vector (encoded image).</param>
    /// <param name="textColumnName">Text column; in training each row's text is a matching description of its image.</param>
    /// <param name="modelDirectory">Hugging Face <c>Blip2ForImageTextRetrieval</c> directory to start from.</param>
    /// <param name="trainingOptions">Training settings (batch size at least 2: the other rows are the negatives).</param>
    /// <param name="progress">Receives a report after every optimizer step, or null.</param>
    /// <param name="mode">ITM probability or ITC cosine similarity after training.</param>
    /// <param name="cancellationToken">Cancels training (<c>Fit</c> throws <see cref="OperationCanceledException"/>).</param>
    public static ImageTextMatchingEstimator Blip2MatchImageText(this TransformsCatalog catalog, string outputColumnName, string imageColumnName,
        string textColumnName, string modelDirectory, QFormerTrainingOptions trainingOptions, IProgress<TrainingProgress>? progress = null,
        ImageTextMatchingMode mode = ImageTextMatchingMode.Itm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Blip2MatchImageText(new ImageTextMatchingEstimator.Options
        {
            OutputColumnName = outputColumnName,
            ImageColumnName = imageColumnName,
            TextColumnName = textColumnName,
            ModelDirectory = modelDirectory,
            Mode = mode,
            FineTuner = new QFormerFineTuner(trainingOptions, progress),
            FineTuningCancellation = cancellationToken,
        });
    }
}
