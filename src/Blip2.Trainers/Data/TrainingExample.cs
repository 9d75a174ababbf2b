using static TorchSharp.torch;

namespace Blip2.Trainers.Data;

/// <summary>One image with its tokenized text.</summary>
/// <param name="PixelValues"><c>[3, H, W]</c> normalised pixels (not owned: the caller keeps it alive while training and disposes it).</param>
/// <param name="Text">Prompt and answer ids.</param>
public sealed record TrainingExample(Tensor PixelValues, TokenizedExample Text);
