namespace Blip2.Trainers.Optimization;

/// <summary>One parameter the optimizer updates.</summary>
/// <param name="Name">Its state-dict name (the key of its optimizer state in checkpoints).</param>
/// <param name="Value">The parameter (<c>requires_grad</c> true, owning its memory).</param>
/// <param name="ApplyWeightDecay">Whether the decoupled weight decay applies to it.</param>
public sealed record OptimizedParameter(string Name, Parameter Value, bool ApplyWeightDecay);
