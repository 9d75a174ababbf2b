namespace Blip2.Trainers.Data;

/// <summary>The token ids of one training text, before special tokens and padding are added.</summary>
/// <param name="PromptIds">The prompt or question (no BOS / EOS); empty for plain captioning.</param>
/// <param name="AnswerIds">The target: answer or caption, without EOS (the collator appends it).</param>
public sealed record TokenizedExample(IReadOnlyList<long> PromptIds, IReadOnlyList<long> AnswerIds);
