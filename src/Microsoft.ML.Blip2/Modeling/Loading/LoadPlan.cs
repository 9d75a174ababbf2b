namespace Microsoft.ML.Blip2.Modeling.Loading;

/// <summary>
/// How checkpoint keys map onto a module's parameters beyond the 1:1 rule: tied parameters and keys that a class
/// legitimately leaves unused (e.g. <c>Blip2TextModelWithProjection</c> loaded from a full retrieval checkpoint).
/// </summary>
/// <param name="TiedWeights">(target, source): target is set to the same parameter as source; a target present in the file is ignored.</param>
/// <param name="IgnoredPrefixes">Checkpoint keys starting with one of these are not "unexpected".</param>
/// <param name="IgnoredKeys">Exact checkpoint keys that are redundant copies and are ignored when present.</param>
public sealed record LoadPlan(
    IReadOnlyList<(string Target, string Source)> TiedWeights,
    IReadOnlyList<string> IgnoredPrefixes,
    IReadOnlyList<string> IgnoredKeys)
{
    /// <summary>Strict 1:1 loading with no ties.</summary>
    public static LoadPlan Strict { get; } = new([], [], []);

    /// <summary>True when the checkpoint key may be left unused.</summary>
    public bool IsIgnored(string key) =>
        IgnoredKeys.Contains(key, StringComparer.Ordinal) || IgnoredPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));
}
