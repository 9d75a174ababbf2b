namespace Blip2.Trainers;

/// <summary>The BLIP-2 stage-1 losses trained on an image–text retrieval model (a combination of flags; the total is their sum).</summary>
[Flags]
public enum RetrievalObjectives
{
    /// <summary>ITC: in-batch image–text contrastive loss with the learnable temperature <c>temp</c>.</summary>
    ImageTextContrastive = 1,

    /// <summary>ITM: binary image–text matching with hard negatives drawn from the contrastive similarities.</summary>
    ImageTextMatching = 2,

    /// <summary>
    /// ITG: image-grounded text generation — the Q-Former predicts each text token from the queries and the earlier text
    /// through LAVIS's language-modelling head (<c>cls.predictions</c>, decoder tied to the word embeddings). Hugging Face
    /// checkpoints do not contain that head, so it starts from BERT's initial values; it is saved in training checkpoints
    /// but not with the model (inference never uses it).
    /// </summary>
    ImageGroundedTextGeneration = 4,

    /// <summary>ITC + ITM: the retrieval losses whose heads every retrieval checkpoint has. The default.</summary>
    ContrastiveAndMatching = ImageTextContrastive | ImageTextMatching,

    /// <summary>ITC + ITM + ITG: LAVIS's full stage-1 objective.</summary>
    All = ImageTextContrastive | ImageTextMatching | ImageGroundedTextGeneration,
}
