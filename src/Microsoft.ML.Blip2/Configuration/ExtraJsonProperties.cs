using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// The keys of a Hugging Face json file that no typed property models, kept verbatim so that writing the
/// configuration back loses nothing. Immutable: values are deep copies, and every value handed out is a fresh copy.
/// Two bags are equal when they hold the same keys with values Python would call equal (numbers by value).
/// </summary>
public sealed class ExtraJsonProperties : IReadOnlyDictionary<string, JsonNode?>, IEquatable<ExtraJsonProperties>
{
    private readonly Dictionary<string, JsonNode?> _values;

    private ExtraJsonProperties(Dictionary<string, JsonNode?> values) => _values = values;

    /// <summary>A bag with no keys.</summary>
    public static ExtraJsonProperties Empty { get; } = new(new Dictionary<string, JsonNode?>(StringComparer.Ordinal));

    /// <summary>Creates a bag holding deep copies of <paramref name="properties"/>.</summary>
    /// <param name="properties">Key/value pairs; a later duplicate key replaces an earlier one.</param>
    public static ExtraJsonProperties From(IEnumerable<KeyValuePair<string, JsonNode?>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach ((string key, JsonNode? value) in properties)
        {
            values[key] = value?.DeepClone();
        }

        return values.Count == 0 ? Empty : new ExtraJsonProperties(values);
    }

    /// <summary>Number of keys.</summary>
    public int Count => _values.Count;

    /// <summary>The keys, in no particular order.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>Copies of the values.</summary>
    public IEnumerable<JsonNode?> Values => _values.Values.Select(v => v?.DeepClone());

    /// <summary>A copy of the value stored under <paramref name="key"/>.</summary>
    /// <param name="key">The json key.</param>
    public JsonNode? this[string key] => _values[key]?.DeepClone();

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    /// <param name="key">The json key.</param>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>Gets a copy of the value stored under <paramref name="key"/>.</summary>
    /// <param name="key">The json key.</param>
    /// <param name="value">A copy of the value (which may be a json null) when found.</param>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonNode? value)
    {
        if (_values.TryGetValue(key, out JsonNode? stored))
        {
            value = stored?.DeepClone();
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>A new bag with <paramref name="key"/> set to a copy of <paramref name="value"/>.</summary>
    /// <param name="key">The json key.</param>
    /// <param name="value">The value; null writes a json null.</param>
    public ExtraJsonProperties With(string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return From(_values.Where(p => p.Key != key).Append(new KeyValuePair<string, JsonNode?>(key, value)));
    }

    /// <summary>A new bag without <paramref name="key"/>.</summary>
    /// <param name="key">The json key.</param>
    public ExtraJsonProperties Without(string key) => From(_values.Where(p => p.Key != key));

    /// <summary>Enumerates copies of the key/value pairs.</summary>
    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator() =>
        _values.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone())).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Value equality: same keys, values equal as Python compares them.</summary>
    /// <param name="other">The other bag.</param>
    public bool Equals(ExtraJsonProperties? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach ((string key, JsonNode? value) in _values)
        {
            if (!other._values.TryGetValue(key, out JsonNode? otherValue) || !PythonJsonEquality.AreEqual(value, otherValue))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ExtraJsonProperties);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        int hash = Count;
        foreach ((string key, JsonNode? value) in _values)
        {
            // Order-independent combination.
            hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), PythonJsonEquality.GetHashCode(value));
        }

        return hash;
    }

    /// <summary>The keys, for debugging.</summary>
    public override string ToString() => "{" + string.Join(", ", _values.Keys.Order(StringComparer.Ordinal)) + "}";

    /// <summary>Copies every key into <paramref name="target"/>, replacing keys already there.</summary>
    internal void CopyTo(JsonObject target)
    {
        foreach ((string key, JsonNode? value) in _values)
        {
            target[key] = value?.DeepClone();
        }
    }
}
