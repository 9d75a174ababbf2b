using Microsoft.ML.Blip2.Processing;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Blip2.Transforms.Training;

/// <summary>What <c>Fit</c> hands a fine-tuner besides the model and the examples.</summary>
/// <param name="Tokenizer">The checkpoint's tokenizer that encoded the examples' texts (for its special tokens, e.g. <c>[DEC]</c>).</param>
/// <param name="Channel">The estimator's ML.NET channel: messages sent to it reach <see cref="MLContext.Log"/>.</param>
/// <param name="CancellationToken">Stops training; <c>Fit</c> then throws <see cref="OperationCanceledException"/>.</param>
public sealed record Blip2FineTuningContext(Blip2Tokenizer Tokenizer, IChannel Channel, CancellationToken CancellationToken);
