using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Transforms.Training;

/// <summary>One training row as the checkpoint's processor prepares it.</summary>
/// <param name="PixelValues"><c>[3, H, W]</c> preprocessed image (owned by <c>Fit</c>: valid only during the fine-tuning call).</param>
/// <param name="PromptIds">Prompt token ids without special tokens (empty for captioning without a prompt).</param>
/// <param name="TargetIds">Label token ids without special tokens (the caption or answer; no end-of-sequence token).</param>
public sealed record Blip2FineTuningExample(Tensor PixelValues, IReadOnlyList<long> PromptIds, IReadOnlyList<long> TargetIds);
