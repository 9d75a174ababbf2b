using System.Globalization;
using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Generation;
using Microsoft.ML.Blip2.Modeling;
using Microsoft.ML.Blip2.Processing;
using static TorchSharp.torch;

// blip2 caption|answer|match: BLIP-2 on image files with a Hugging Face checkpoint directory that holds the model
// (config.json + safetensors) and its processor files (preprocessor_config.json + tokenizer files), i.e. a
// Salesforce/blip2-* repository as downloaded.
return Cli.Run(args);

internal static class Cli
{
    private const string Usage = """
        usage:
          blip2 caption --model DIR --image FILE [--image FILE ...] [--prompt TEXT] [--max-new-tokens N] [--beams N]
          blip2 answer  --model DIR --image FILE --question TEXT [--max-new-tokens N] [--beams N]
          blip2 match   --model DIR --image FILE --text TEXT [--itc]
        """;

    public static int Run(string[] args)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help")
            {
                Console.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var options = Parse(args.Skip(1).ToArray());
            switch (args[0])
            {
                case "caption": Caption(options, options.Get("prompt")); return 0;
                case "answer": Answer(options); return 0;
                case "match": Match(options); return 0;
                default: throw new ArgumentException($"unknown command '{args[0]}'");
            }
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException or NotSupportedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 1;
        }
    }

    private static void Caption(Arguments a, string? prompt)
    {
        string dir = a.Require("model");
        var images = a.All("image");
        if (images.Count == 0) throw new ArgumentException("give at least one --image");
        using var scope = NewDisposeScope();
        using var model = Blip2ForConditionalGeneration.FromPretrained(dir);
        var processor = Blip2Processor.FromPretrained(dir);
        var texts = prompt is null ? null : Enumerable.Repeat(prompt, images.Count).ToList();
        using var inputs = processor.Process(images, texts, new TokenizerCallOptions { Padding = TokenizerPadding.Longest, PaddingSide = PaddingSide.Left });
        var generation = new GenerationOptions { MaxNewTokens = a.Int("max-new-tokens") ?? 30, NumBeams = a.Int("beams") ?? 1 };
        using var output = model.Generate(inputs.PixelValues!, inputs.InputIds, inputs.AttentionMask, generation);
        var decoded = processor.BatchDecode(output.Sequences);
        for (int i = 0; i < images.Count; i++)
            Console.WriteLine($"{images[i]}\t{decoded[i].Trim()}");
    }

    private static void Answer(Arguments a)
    {
        string dir = a.Require("model");
        var processor = Blip2Processor.FromPretrained(dir);
        Caption(a, processor.FormatQuestion(a.Require("question")));
    }

    private static void Match(Arguments a)
    {
        string dir = a.Require("model");
        string image = a.Require("image"), text = a.Require("text");
        bool itc = a.Flag("itc");
        using var scope = NewDisposeScope();
        using var model = Blip2ForImageTextRetrieval.FromPretrained(dir);
        var imageProcessor = Blip2ImageProcessor.FromPreprocessorConfigFile(Path.Combine(dir, ImagePreprocessorConfig.FileName));
        var tokenizer = Blip2Tokenizer.FromPretrained(dir);
        var pixels = imageProcessor.Preprocess([image]);
        using var tokens = tokenizer.EncodeBatch([text]).ToTensors();
        using var output = model.Forward(pixels, tokens.InputIds, tokens.AttentionMask, useImageTextMatchingHead: !itc);
        double score = itc ? output.LogitsPerImage[0, 0].item<float>() : output.LogitsPerImage.softmax(1)[0, 1].item<float>();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(itc ? "itc cosine" : "itm probability")}\t{score:F4}"));
    }

    private static Arguments Parse(string[] args)
    {
        var values = new List<(string, string?)>();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
            string name = args[i][2..];
            string? value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            values.Add((name, value));
        }
        return new Arguments(values);
    }

    private sealed class Arguments(List<(string Name, string? Value)> values)
    {
        public string? Get(string name) => values.LastOrDefault(v => v.Name == name).Value;
        public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");
        public IReadOnlyList<string> All(string name) => values.Where(v => v.Name == name && v.Value is not null).Select(v => v.Value!).ToList();
        public bool Flag(string name) => values.Any(v => v.Name == name);
        public int? Int(string name) => Get(name) is string s
            ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"--{name} must be an integer, got '{s}'")
            : null;
    }
}
