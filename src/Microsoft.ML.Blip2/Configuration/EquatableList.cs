using System.Collections;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Read-only list with value equality, so that records holding lists (architectures, token ids, image mean)
/// compare by content rather than by reference.
/// </summary>
internal sealed class EquatableList<T> : IReadOnlyList<T>, IEquatable<EquatableList<T>>
{
    private readonly T[] _items;

    private EquatableList(T[] items) => _items = items;

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    /// <summary>Copies <paramref name="items"/>; null stays null.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(items))]
    public static IReadOnlyList<T>? From(IEnumerable<T>? items) => items switch
    {
        null => null,
        EquatableList<T> already => already,
        _ => new EquatableList<T>(items.ToArray()),
    };

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(EquatableList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => Equals(obj as EquatableList<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (T item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}
