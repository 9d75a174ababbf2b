namespace Blip2.Trainers;

/// <summary>Which parts of a BLIP-2 model stay frozen during training (a combination of flags).</summary>
[Flags]
public enum FrozenComponents
{
    /// <summary>Nothing is frozen: every parameter is trained (sensible for small models only).</summary>
    None = 0,

    /// <summary>The vision encoder (<c>vision_model.*</c>).</summary>
    VisionModel = 1,

    /// <summary>The language model (<c>language_model.*</c>, including tied embeddings and the LM head).</summary>
    LanguageModel = 2,

    /// <summary>BLIP-2's recipe: vision encoder and language model frozen; query tokens, Q-Former and projections trained.</summary>
    VisionAndLanguageModel = VisionModel | LanguageModel,
}
