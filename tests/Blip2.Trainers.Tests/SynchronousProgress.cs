namespace Blip2.Trainers.Tests;

/// <summary>An <see cref="IProgress{T}"/> that runs its handler on the reporting thread (Progress&lt;T&gt; posts asynchronously).</summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    /// <summary>Every report received.</summary>
    public List<T> Reports { get; } = [];

    /// <inheritdoc />
    public void Report(T value)
    {
        Reports.Add(value);
        handler(value);
    }
}
