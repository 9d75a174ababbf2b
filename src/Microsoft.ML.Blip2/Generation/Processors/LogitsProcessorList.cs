using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Generation.Processors;

/// <summary>The processors of one generate call, in Hugging Face's order; sampling warpers last.</summary>
public sealed class LogitsProcessorList
{
    private readonly List<LogitsProcessor> _processors = [];

    /// <summary>The processors in application order.</summary>
    public IReadOnlyList<LogitsProcessor> Processors => _processors;

    /// <summary>Adds a processor at the end.</summary>
    public void Add(LogitsProcessor processor) => _processors.Add(processor);

    /// <summary>Applies every processor in order.</summary>
    public Tensor Process(Tensor inputIds, Tensor scores)
    {
        var current = scores.alias();
        foreach (var p in _processors)
        {
            var next = p.Process(inputIds, current);
            current.Dispose();
            current = next;
        }
        return current;
    }

    /// <summary>
    /// Builds the list for resolved options: repetition penalty, no-repeat n-grams, min length, min new tokens, then
    /// (sampling) temperature, top-k, top-p.
    /// </summary>
    public static LogitsProcessorList Build(GenerationOptions options, int minLength, long promptLength, int minTokensToKeep = 1)
    {
        var list = new LogitsProcessorList();
        var eos = options.EosTokenIds ?? [];
        if (options.RepetitionPenalty != 1.0) list.Add(new RepetitionPenaltyLogitsProcessor(options.RepetitionPenalty));
        if (options.NoRepeatNgramSize > 0) list.Add(new NoRepeatNGramLogitsProcessor(options.NoRepeatNgramSize));
        if (minLength > 0 && eos.Count > 0) list.Add(new MinLengthLogitsProcessor(minLength, eos));
        if (options.MinNewTokens is > 0 && eos.Count > 0) list.Add(new MinNewTokensLogitsProcessor(promptLength, options.MinNewTokens.Value, eos));
        if (options.DoSample)
        {
            if (options.Temperature != 1.0) list.Add(new TemperatureLogitsWarper(options.Temperature));
            if (options.TopK > 0) list.Add(new TopKLogitsWarper(options.TopK, minTokensToKeep));
            if (options.TopP < 1.0) list.Add(new TopPLogitsWarper(options.TopP, minTokensToKeep));
        }
        return list;
    }
}
