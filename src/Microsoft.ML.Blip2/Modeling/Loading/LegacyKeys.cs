using Microsoft.ML.Blip2.IO;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Loading;

/// <summary>
/// Checkpoints saved by older transformers versions store the vision attention bias as separate
/// <c>self_attn.q_bias</c> and <c>self_attn.v_bias</c>; current ones store the fused <c>self_attn.qkv.bias</c>
/// = <c>[q_bias, 0, v_bias]</c>. Both load.
/// </summary>
internal static class LegacyKeys
{
    internal sealed record Conversion(IReadOnlyList<string> SourceKeys, Func<SafetensorsCheckpoint, ScalarType, Device, Tensor> Loader)
    {
        public Tensor Load(SafetensorsCheckpoint checkpoint, ScalarType dtype, Device device) => Loader(checkpoint, dtype, device);
    }

    /// <summary>Conversions for expected names that are absent from the checkpoint but derivable from legacy keys.</summary>
    public static Dictionary<string, Conversion> Plan(IEnumerable<string> expected, IReadOnlySet<string> available)
    {
        var result = new Dictionary<string, Conversion>(StringComparer.Ordinal);
        const string fusedSuffix = "self_attn.qkv.bias";
        foreach (string name in expected)
        {
            if (available.Contains(name) || !name.EndsWith(fusedSuffix, StringComparison.Ordinal)) continue;
            string prefix = name[..^"qkv.bias".Length];
            string q = prefix + "q_bias", v = prefix + "v_bias";
            if (!available.Contains(q) || !available.Contains(v)) continue;
            result[name] = new Conversion([q, v], (ckpt, dtype, device) =>
            {
                using var qb = ckpt.LoadTensorCopy(q, dtype, device);
                using var vb = ckpt.LoadTensorCopy(v, dtype, device);
                using var kb = zeros_like(qb);
                return cat([qb, kb, vb], 0);
            });
        }
        return result;
    }
}
