using static TorchSharp.torch;

namespace Blip2.Trainers.Objectives;

/// <summary>What an objective computes on one batch (tensors live in the caller's dispose scope).</summary>
/// <param name="Loss">0-d loss with its autograd graph (when gradients are enabled).</param>
/// <param name="Targets">The number of items the loss averages over (answer tokens, or examples for retrieval): the accumulation weight.</param>
/// <param name="Correct">Correct predictions for the accuracy metric.</param>
/// <param name="Predictions">Predictions the accuracy is over (answer tokens; for retrieval ITM pairs, else ITG targets, else the batch's images for ITC top-1).</param>
/// <param name="Components">Named parts of the loss (e.g. <c>itc</c>, <c>itm</c>), as numbers.</param>
internal sealed record ObjectiveOutput(Tensor Loss, long Targets, long Correct, long Predictions, IReadOnlyDictionary<string, double> Components);
