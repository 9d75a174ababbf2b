using static TorchSharp.torch;

namespace Blip2.Trainers.Optimization;

/// <summary>
/// AdamW with decoupled weight decay, element for element as <c>torch.optim.AdamW</c> (single-tensor path, no amsgrad):
/// for each parameter that has a gradient, with its own step count t:
/// <c>p ← p·(1 − lr·λ)</c>; <c>m ← β₁m + (1−β₁)g</c>; <c>v ← β₂v + (1−β₂)g²</c>;
/// <c>p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)</c>. Parameters without a gradient are skipped entirely (no decay,
/// no step count), as in PyTorch. State is float32 like the parameters, and can be saved and restored exactly.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly IReadOnlyList<OptimizedParameter> _parameters;
    private readonly Dictionary<string, MomentState> _state = new(StringComparer.Ordinal);

    /// <summary>Creates the optimizer with empty state (m = v = 0, t = 0).</summary>
    /// <param name="parameters">The parameters, with unique names.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="weightDecay">λ ≥ 0.</param>
    public AdamW(IReadOnlyList<OptimizedParameter> parameters, double beta1, double beta2, double epsilon, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var duplicate = parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Parameter name '{duplicate.Key}' appears twice.", nameof(parameters));
        _parameters = parameters;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>The optimized parameters.</summary>
    public IReadOnlyList<OptimizedParameter> Parameters => _parameters;

    /// <summary>Bytes held by the moment estimates.</summary>
    public long StateBytes => _state.Values.Sum(s => (s.ExpAvg.numel() + s.ExpAvgSq.numel()) * s.ExpAvg.element_size());

    /// <summary>Number of updates applied to the named parameter (0 before its first gradient).</summary>
    public long StepCount(string name) => _state.TryGetValue(name, out var s) ? s.Step : 0;

    /// <summary>Applies one update with learning rate <paramref name="learningRate"/> to every parameter that has a gradient.</summary>
    public void Step(double learningRate)
    {
        using var noGrad = no_grad();
        foreach (var parameter in _parameters)
        {
            using var scope = NewDisposeScope();
            var p = parameter.Value;
            var grad = p.grad;
            if (grad is null) continue;
            if (!_state.TryGetValue(parameter.Name, out var state))
            {
                state = new MomentState(zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope(), 0);
                _state[parameter.Name] = state;
            }
            state.Step++;
            if (parameter.ApplyWeightDecay && WeightDecay != 0) p.mul_(1 - learningRate * WeightDecay);
            state.ExpAvg.mul_(Beta1).add_(grad, alpha: 1 - Beta1);
            state.ExpAvgSq.mul_(Beta2).addcmul_(grad, grad, 1 - Beta2);
            double biasCorrection1 = 1 - Math.Pow(Beta1, state.Step);
            double biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, state.Step));
            var denominator = (state.ExpAvgSq.sqrt() / biasCorrection2Sqrt).add_(Epsilon);
            p.addcdiv_(state.ExpAvg, denominator, -(learningRate / biasCorrection1));
        }
    }

    /// <summary>The state as named tensors (<c>exp_avg.NAME</c>, <c>exp_avg_sq.NAME</c>) and step counts, for checkpoints.</summary>
    public (IReadOnlyList<KeyValuePair<string, Tensor>> Tensors, IReadOnlyDictionary<string, long> Steps) ExportState()
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var steps = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, state) in _state)
        {
            tensors.Add(new(ExpAvgKey(name), state.ExpAvg));
            tensors.Add(new(ExpAvgSqKey(name), state.ExpAvgSq));
            steps[name] = state.Step;
        }
        return (tensors, steps);
    }

    /// <summary>Replaces the state by a saved one (see <see cref="ExportState"/>); the tensors are copied.</summary>
    /// <exception cref="InvalidDataException">A name that is not optimized, a missing moment or a shape mismatch.</exception>
    public void ImportState(Func<string, Tensor?> loadTensor, IReadOnlyDictionary<string, long> steps, string source)
    {
        var byName = _parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var unknown = steps.Keys.Where(k => !byName.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"{source}: optimizer state for parameters that are not trained: {string.Join(", ", unknown)}.");
        ClearState();
        foreach (var (name, step) in steps)
        {
            var p = byName[name].Value;
            var m = loadTensor(ExpAvgKey(name)) ?? throw new InvalidDataException($"{source}: missing tensor {ExpAvgKey(name)}.");
            var v = loadTensor(ExpAvgSqKey(name)) ?? throw new InvalidDataException($"{source}: missing tensor {ExpAvgSqKey(name)}.");
            if (!m.shape.SequenceEqual(p.shape) || !v.shape.SequenceEqual(p.shape))
                throw new InvalidDataException($"{source}: optimizer state of '{name}' has shape [{string.Join(",", m.shape)}], the parameter [{string.Join(",", p.shape)}].");
            if (step < 1) throw new InvalidDataException($"{source}: step count {step} of '{name}' must be at least 1.");
            _state[name] = new MomentState(
                m.to(p.dtype, p.device, copy: true).DetachFromDisposeScope(),
                v.to(p.dtype, p.device, copy: true).DetachFromDisposeScope(), step);
            m.Dispose();
            v.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => ClearState();

    private void ClearState()
    {
        foreach (var s in _state.Values)
        {
            s.ExpAvg.Dispose();
            s.ExpAvgSq.Dispose();
        }
        _state.Clear();
    }

    private static string ExpAvgKey(string name) => "exp_avg." + name;

    private static string ExpAvgSqKey(string name) => "exp_avg_sq." + name;

    private sealed class MomentState(Tensor expAvg, Tensor expAvgSq, long step)
    {
        public Tensor ExpAvg { get; } = expAvg;

        public Tensor ExpAvgSq { get; } = expAvgSq;

        public long Step { get; set; } = step;
    }
}
