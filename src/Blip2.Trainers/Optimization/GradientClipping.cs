using static TorchSharp.torch;

namespace Blip2.Trainers.Optimization;

/// <summary>Global L2 gradient norm and clipping, as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>√(Σ‖gᵢ‖²) over the gradients of <paramref name="parameters"/> (those without a gradient count as zero).</summary>
    public static double GlobalNorm(IEnumerable<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var norms = parameters.Select(p => p.grad).OfType<Tensor>().Select(g => g.detach().to(ScalarType.Float32).norm()).ToList();
        if (norms.Count == 0) return 0;
        return stack(norms).norm().item<float>();
    }

    /// <summary>
    /// Scales every gradient by <c>min(1, maxNorm / (norm + 1e-6))</c> and returns the norm before clipping.
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (!(maxNorm > 0) || !double.IsFinite(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum gradient norm must be a positive finite number.");
        var list = parameters.ToList();
        double norm = GlobalNorm(list);
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient < 1)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var g in list.Select(p => p.grad).OfType<Tensor>())
                g.mul_(coefficient);
        }
        return norm;
    }
}
