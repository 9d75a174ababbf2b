using Blip2.Trainers.Optimization;
using static TorchSharp.torch;

namespace Blip2.Trainers;

/// <summary>
/// Splits a model's parameters into trained and frozen ones by <see cref="FrozenComponents"/>. Frozen parameters get
/// <c>requires_grad = false</c> and are otherwise untouched (never copied: they may be zero-copy views of the checkpoint
/// file). Each trained parameter is given memory of its own (a clone, swapped in with <c>set_</c>, so every module and
/// tied alias that holds the parameter object sees it) and <c>requires_grad = true</c>.
/// </summary>
internal sealed class TrainableParameterSet
{
    private const string VisionPrefix = "vision_model.";
    private const string LanguageModelPrefix = "language_model.";

    private TrainableParameterSet(IReadOnlyList<OptimizedParameter> trained, IReadOnlyList<(string Name, Parameter Value)> frozen)
    {
        Trained = trained;
        Frozen = frozen;
    }

    /// <summary>Trained parameters (one entry per parameter object; tied aliases under their first name).</summary>
    public IReadOnlyList<OptimizedParameter> Trained { get; }

    /// <summary>Frozen parameters (one entry per parameter object).</summary>
    public IReadOnlyList<(string Name, Parameter Value)> Frozen { get; }

    /// <summary>Bytes of the trained parameters.</summary>
    public long TrainedBytes => Trained.Sum(p => Bytes(p.Value));

    /// <summary>Bytes of the frozen parameters (possibly memory-mapped, not resident).</summary>
    public long FrozenBytes => Frozen.Sum(p => Bytes(p.Value));

    /// <summary>Bytes of the gradients currently held by the trained parameters.</summary>
    public long GradientBytes => Trained.Sum(p =>
    {
        using var g = p.Value.grad;
        return g is null ? 0 : Bytes(g);
    });

    /// <summary>Applies the freeze rule to <paramref name="model"/> plus the objective's own parameters (always trained).</summary>
    public static TrainableParameterSet Prepare(nn.Module model, IReadOnlyList<(string Name, Parameter Value)> ownParameters,
        FrozenComponents freeze, bool decayBiasAndNorm)
    {
        var seen = new HashSet<IntPtr>();
        var trained = new List<OptimizedParameter>();
        var frozen = new List<(string, Parameter)>();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters().Concat(ownParameters))
        {
            if (!seen.Add(parameter.Handle)) continue;
            if (IsFrozen(name, freeze))
            {
                parameter.requires_grad = false;
                frozen.Add((name, parameter));
                continue;
            }
            // set_ and detach return new wrappers: the scope disposes them (not the parameter, which it did not create).
            using (var scope = NewDisposeScope())
            {
                parameter.set_(parameter.detach().clone());
                parameter.requires_grad = true;
            }
            trained.Add(new OptimizedParameter(name, parameter, decayBiasAndNorm || parameter.dim() >= 2));
        }
        if (trained.Count == 0)
            throw new InvalidOperationException($"Nothing to train: every parameter of {model.GetType().Name} is frozen by Freeze = {freeze}.");
        return new TrainableParameterSet(trained, frozen);
    }

    /// <summary>Clears gradients (sets them to none, so a parameter that gets no gradient is skipped by the optimizer).</summary>
    public void ZeroGradients()
    {
        foreach (var p in Trained)
        {
            using var g = p.Value.grad;
            if (g is not null) p.Value.grad = null;
        }
    }

    /// <summary>Turns gradients off again for every trained parameter (when the session ends).</summary>
    public void Release()
    {
        ZeroGradients();
        foreach (var p in Trained) p.Value.requires_grad = false;
    }

    private static bool IsFrozen(string name, FrozenComponents freeze) =>
        (freeze.HasFlag(FrozenComponents.VisionModel) && name.StartsWith(VisionPrefix, StringComparison.Ordinal))
        || (freeze.HasFlag(FrozenComponents.LanguageModel) && name.StartsWith(LanguageModelPrefix, StringComparison.Ordinal));

    private static long Bytes(Tensor t) => t.numel() * t.element_size();
}
