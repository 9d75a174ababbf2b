using static TorchSharp.torch;

namespace Blip2.Trainers.Data;

/// <summary>
/// Batches from a list of examples: optionally shuffled per epoch with a permutation determined by (seed, epoch), text
/// collated by an <see cref="ITokenCollator"/>; the image key of each row is the example's index, so image features
/// can be cached.
/// </summary>
public sealed class InMemoryBatchSource : ITrainingBatchSource
{
    private readonly IReadOnlyList<TrainingExample> _examples;
    private readonly ITokenCollator _collator;
    private readonly bool _shuffle;
    private readonly int _seed;

    /// <summary>Creates the source.</summary>
    /// <param name="examples">The examples (their pixel tensors must stay alive while the source is used).</param>
    /// <param name="collator">Builds the token tensors of each batch.</param>
    /// <param name="shuffle">Shuffle each epoch (true for training, false for evaluation).</param>
    /// <param name="seed">Seed of the shuffle.</param>
    public InMemoryBatchSource(IReadOnlyList<TrainingExample> examples, ITokenCollator collator, bool shuffle, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(collator);
        if (examples.Count == 0) throw new ArgumentException("The example list is empty.", nameof(examples));
        _examples = examples;
        _collator = collator;
        _shuffle = shuffle;
        _seed = seed;
    }

    /// <inheritdoc />
    public int ExampleCount => _examples.Count;

    /// <summary>The example order of <paramref name="epoch"/>.</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, _examples.Count).ToArray();
        if (_shuffle)
        {
            // A seeded Random uses a fixed algorithm (HashCode would be randomised per process), so the order is
            // reproducible across runs and processes.
            var random = new Random(unchecked((_seed * 1_000_003) ^ (epoch * 7919)) & int.MaxValue);
            random.Shuffle(order);
        }
        return order;
    }

    /// <inheritdoc />
    public IEnumerable<TrainingBatch> ReadEpoch(int epoch, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = Order(epoch);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var rows = order.Skip(start).Take(batchSize).ToArray();
            yield return MakeBatch(rows);
        }
    }

    private TrainingBatch MakeBatch(int[] rows)
    {
        using var scope = NewDisposeScope();
        var pixels = stack(rows.Select(i => _examples[i].PixelValues).ToArray());
        var tokens = _collator.Collate(rows.Select(i => _examples[i].Text).ToList());
        return new TrainingBatch(pixels, tokens.InputIds, tokens.AttentionMask, tokens.Labels, imageKeys: rows.Select(i => (long)i).ToArray());
    }
}
