namespace Microsoft.ML.Blip2.Transforms;

/// <summary>What a BLIP-2 transformer computes (also its tag in a saved model).</summary>
internal enum Blip2TaskKind
{
    ImageCaptioning,
    VisualQuestionAnswering,
    ImageTextMatching,
}
