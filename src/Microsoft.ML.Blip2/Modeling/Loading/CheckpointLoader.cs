using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Modeling.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Loading;

/// <summary>
/// Copies a safetensors checkpoint into a module tree 1:1 by state-dict name (zero-copy where the dtype and device
/// allow), after checking every name and shape first so a mismatch fails before anything is replaced.
/// </summary>
public static class CheckpointLoader
{
    /// <summary>Loads <paramref name="checkpoint"/> into <paramref name="root"/>.</summary>
    /// <exception cref="CheckpointMismatchException">Missing, unexpected or mis-shaped tensors (all listed).</exception>
    public static void Load(Blip2Module root, SafetensorsCheckpoint checkpoint, ModuleOptions options, LoadPlan plan, string source)
    {
        var expected = root.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        var tiedTargets = plan.TiedWeights.Select(t => t.Target).ToHashSet(StringComparer.Ordinal);
        var available = checkpoint.Names.ToHashSet(StringComparer.Ordinal);
        var legacy = LegacyKeys.Plan(expected.Keys, available);

        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (name, shape) in expected)
        {
            if (tiedTargets.Contains(name)) continue;
            if (available.Contains(name))
            {
                var fileShape = checkpoint.GetInfo(name).Shape.ToArray();
                if (!fileShape.SequenceEqual(shape))
                    mismatched.Add($"{name}: checkpoint [{string.Join(",", fileShape)}] vs model [{string.Join(",", shape)}]");
            }
            else if (!legacy.ContainsKey(name))
            {
                missing.Add(name);
            }
        }
        var consumedByLegacy = legacy.Values.SelectMany(l => l.SourceKeys).ToHashSet(StringComparer.Ordinal);
        var unexpected = available
            .Where(k => !expected.ContainsKey(k) && !consumedByLegacy.Contains(k) && !plan.IsIgnored(k))
            .OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0 || mismatched.Count > 0)
            throw new CheckpointMismatchException(source, missing, unexpected, mismatched);

        var device = options.Device ?? CPU;
        foreach (var name in expected.Keys)
        {
            if (tiedTargets.Contains(name)) continue;
            Tensor value = legacy.TryGetValue(name, out var conversion)
                ? conversion.Load(checkpoint, options.DType, device)
                : checkpoint.LoadTensor(name, KeepsFloat32(name, options) ? ScalarType.Float32 : options.DType, device);
            Replace(root, name, new Parameter(value, requires_grad: false));
        }
        foreach (var (target, sourceName) in plan.TiedWeights)
            Replace(root, target, FindParameter(root, sourceName));
    }

    // Hugging Face keeps T5's `wo` in float32 when loading float16 weights (_keep_in_fp32_modules).
    private static bool KeepsFloat32(string name, ModuleOptions options) =>
        options.DType == ScalarType.Float16 && name.EndsWith(".DenseReluDense.wo.weight", StringComparison.Ordinal);

    /// <summary>Replaces the parameter at a dotted state-dict path.</summary>
    internal static void Replace(nn.Module root, string name, Parameter value)
    {
        var (owner, leaf) = Resolve(root, name);
        if (owner is not Blip2Module module)
            throw new InvalidOperationException($"Parameter '{name}' belongs to a {owner.GetType().Name}, which cannot be loaded into.");
        module.ReplaceParameter(leaf, value);
    }

    /// <summary>The parameter at a dotted state-dict path.</summary>
    internal static Parameter FindParameter(nn.Module root, string name)
    {
        var (owner, leaf) = Resolve(root, name);
        return owner.named_parameters(recurse: false).FirstOrDefault(p => p.name == leaf).parameter
            ?? throw new InvalidOperationException($"No parameter named '{name}'.");
    }

    private static (nn.Module Owner, string Leaf) Resolve(nn.Module root, string name)
    {
        string[] parts = name.Split('.');
        nn.Module current = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            current = current.named_children().FirstOrDefault(c => c.name == parts[i]).module
                ?? throw new InvalidOperationException($"No submodule '{string.Join('.', parts.Take(i + 1))}' for parameter '{name}'.");
        }
        return (current, parts[^1]);
    }
}
