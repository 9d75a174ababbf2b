namespace Blip2.FineTune;

/// <summary>The example's arguments: <c>[--model DIR --data DIR] [--epochs N] [--learning-rate X] [--write-demo DIR]</c>, all optional.</summary>
internal sealed record CommandLine(string? Model, string? Data, int? Epochs, double? LearningRate, string? WriteDemo)
{
    public static CommandLine Parse(string[] args)
    {
        string? model = null, data = null, writeDemo = null;
        int? epochs = null;
        double? learningRate = null;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--model": model = value; break;
                case "--data": data = value; break;
                case "--learning-rate": learningRate = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--write-demo": writeDemo = value; break;
                case "--epochs": epochs = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--model DIR --data DIR] [--epochs N] [--learning-rate X] [--write-demo DIR]");
            }

            i++;
        }

        return new CommandLine(model, data, epochs, learningRate, writeDemo);
    }
}
