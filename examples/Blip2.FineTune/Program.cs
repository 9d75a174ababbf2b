// Fine-tunes the BLIP-2 Q-Former through an ML.NET pipeline, saves the fitted pipeline, loads it back and captions.
//
//   dotnet run --project examples/Blip2.FineTune
//       Offline demo (about a minute on CPU): a tiny random BLIP-2 (frozen ViT + OPT) learns to caption synthetic
//       coloured shapes ("red disc", ...), 9 captions, so chance is about 11% exact match.
//
//   dotnet run --project examples/Blip2.FineTune -- --model /models/blip2-opt-2.7b --data /data/my-captions [--epochs 5]
//       A real checkpoint (a Hugging Face BLIP-2 folder: config, safetensors, preprocessor and tokenizer files) and a
//       folder with captions.tsv (one "file<TAB>caption" line per image, file relative to the folder); 10% of the rows
//       are held out. Default learning rate 1e-5 (the usual BLIP-2 fine-tuning rate; --learning-rate X overrides); expect this to need a lot of memory and time.
//
//   dotnet run --project examples/Blip2.FineTune -- --write-demo DIR
//       Writes the synthetic tiny model (DIR/model) and training data (DIR/data/captions.tsv + PNGs) and exits, to try
//       the --model/--data path: ... -- --model DIR/model --data DIR/data --epochs 60 --learning-rate 3e-3
using Blip2.FineTune;
using Blip2.FineTune.Synthetic;
using Blip2.Trainers;
using Microsoft.ML;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Transforms;
using Microsoft.ML.Data;

var arguments = CommandLine.Parse(args);
if (arguments.WriteDemo is { } demo)
{
    TinyModelDirectory.Write(Path.Combine(demo, "model"), [.. ShapeImages.Colours, .. ShapeImages.Shapes], seed: 4);
    string data = Path.Combine(demo, "data");
    var images = ShapeImages.Write(data, perCombination: 27, seed: 1, TinyModelDirectory.ImageSize);
    File.WriteAllLines(Path.Combine(data, "captions.tsv"), images.Select(i => $"{Path.GetFileName(i.Path)}\t{i.Caption}"));
    Console.WriteLine($"wrote {Path.Combine(demo, "model")} and {images.Count} captioned images in {data}");
    return 0;
}

string work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "blip2-finetune-example-" + Guid.NewGuid().ToString("N"))).FullName;
try
{
    var (modelDirectory, train, heldOut, trainingOptions, generation) = arguments.Model is null
        ? SyntheticSetup(work)
        : RealSetup(arguments);
    if (arguments.Epochs is int epochs)
        trainingOptions = trainingOptions with { Epochs = epochs };
    if (arguments.LearningRate is double learningRate)
        trainingOptions = trainingOptions with { LearningRate = learningRate };

    var mlContext = new MLContext(seed: 1);
    var trainData = mlContext.Data.LoadFromEnumerable(train);
    var heldOutData = mlContext.Data.LoadFromEnumerable(heldOut);
    Console.WriteLine($"{train.Count} training and {heldOut.Count} held-out images; model: {modelDirectory}");

    // Before: the same pipeline without a label column only loads the model.
    var untrained = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(CaptionedImage.ImagePath))
        .Append(mlContext.Transforms.Blip2Caption("Predicted", "Image", modelDirectory, generationOptions: generation));
    double before;
    using (var baseline = untrained.Fit(heldOutData))
        before = ExactMatch(mlContext, baseline.Transform(heldOutData), heldOut);
    Console.WriteLine($"held-out exact match before fine-tuning: {before:P1}");

    // Fit trains the Q-Former on the Caption column, then the transformer captions with the fine-tuned model.
    var pipeline = mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(CaptionedImage.ImagePath))
        .Append(mlContext.Transforms.Blip2Caption("Predicted", "Image", modelDirectory, labelColumnName: nameof(CaptionedImage.Caption),
            trainingOptions, new ConsoleProgress(everySteps: 100), generationOptions: generation));
    var fitted = pipeline.Fit(trainData);
    double after = ExactMatch(mlContext, fitted.Transform(heldOutData), heldOut);
    Console.WriteLine($"held-out exact match after fine-tuning: {after:P1}");

    string zip = Path.Combine(work, "blip2-captioner.zip");
    mlContext.Model.Save(fitted, trainData.Schema, zip);
    Console.WriteLine($"saved {zip} ({new FileInfo(zip).Length / 1024.0 / 1024.0:F1} MiB)");
    fitted.Dispose();

    var freshContext = new MLContext().UseBlip2();
    var loaded = freshContext.Model.Load(zip, out _);
    double reloaded = ExactMatch(freshContext, loaded.Transform(freshContext.Data.LoadFromEnumerable(heldOut)), heldOut);
    Console.WriteLine($"held-out exact match of the reloaded model: {reloaded:P1}");

    using (var engine = freshContext.Model.CreatePredictionEngine<CaptionedImage, CaptionPrediction>(loaded))
    {
        foreach (var image in heldOut.Take(5))
            Console.WriteLine($"  {Path.GetFileName(image.ImagePath)}: '{engine.Predict(image).Predicted}' (label '{image.Caption}')");
    }

    if (reloaded != after)
    {
        Console.Error.WriteLine("The reloaded model's accuracy differs from the fitted one's.");
        return 1;
    }

    return 0;
}
finally
{
    if (Directory.Exists(work))
        Directory.Delete(work, recursive: true);
}

static double ExactMatch(MLContext mlContext, IDataView predictions, IReadOnlyList<CaptionedImage> expected)
{
    var predicted = predictions.GetColumn<string>("Predicted").ToList();
    return predicted.Zip(expected, (p, e) => string.Equals(p.Trim(), e.Caption.Trim(), StringComparison.OrdinalIgnoreCase)).Count(x => x) / (double)expected.Count;
}

static (string Model, List<CaptionedImage> Train, List<CaptionedImage> HeldOut, QFormerTrainingOptions Options, GenerationOptions Generation) SyntheticSetup(string work)
{
    string model = Path.Combine(work, "tiny-blip2");
    TinyModelDirectory.Write(model, [.. ShapeImages.Colours, .. ShapeImages.Shapes], seed: 4);
    var train = ShapeImages.Write(Path.Combine(work, "train"), perCombination: 24, seed: 1, TinyModelDirectory.ImageSize);
    var heldOut = ShapeImages.Write(Path.Combine(work, "held-out"), perCombination: 6, seed: 2, TinyModelDirectory.ImageSize);
    var options = new QFormerTrainingOptions
    {
        LearningRate = 3e-3,
        WeightDecay = 0.01,
        WarmupSteps = 10,
        Schedule = LearningRateScheduleKind.Cosine,
        BatchSize = 12,
        Epochs = 60,
        CacheImageFeatures = true,
        Seed = 5,
    };
    return (model, ToRows(train), ToRows(heldOut), options, new GenerationOptions { MaxNewTokens = 4, NumBeams = 1 });
}

static (string Model, List<CaptionedImage> Train, List<CaptionedImage> HeldOut, QFormerTrainingOptions Options, GenerationOptions Generation) RealSetup(CommandLine arguments)
{
    if (arguments.Data is null)
        throw new ArgumentException("--model needs --data <folder with captions.tsv>.");
    string tsv = Path.Combine(arguments.Data, "captions.tsv");
    var rows = File.ReadLines(tsv)
        .Where(line => line.Trim().Length > 0)
        .Select((line, index) =>
        {
            var fields = line.Split('\t');
            return fields.Length == 2
                ? new CaptionedImage { ImagePath = Path.GetFullPath(Path.Combine(arguments.Data, fields[0])), Caption = fields[1] }
                : throw new FormatException($"{tsv} line {index + 1}: expected 'file<TAB>caption'.");
        })
        .ToList();
    int heldOutCount = Math.Max(1, rows.Count / 10);
    var options = new QFormerTrainingOptions { LearningRate = 1e-5, WeightDecay = 0.05, WarmupSteps = 100, BatchSize = 4, Epochs = 5, CacheImageFeatures = true, Seed = 1 };
    return (arguments.Model!, rows.Skip(heldOutCount).ToList(), rows.Take(heldOutCount).ToList(), options, new GenerationOptions { MaxNewTokens = 30 });
}

static List<CaptionedImage> ToRows(IEnumerable<(string Path, string Caption)> items) =>
    [.. items.Select(i => new CaptionedImage { ImagePath = i.Path, Caption = i.Caption })];
