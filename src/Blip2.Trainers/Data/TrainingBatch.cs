using static TorchSharp.torch;

namespace Blip2.Trainers.Data;

/// <summary>
/// One batch for a training or evaluation step. The batch owns its tensors (they are detached from any dispose scope
/// when the batch is made) and disposes them with itself.
/// </summary>
public sealed class TrainingBatch : IDisposable
{
    /// <summary>Creates a batch, checking that the tensors agree in batch size and sequence shapes.</summary>
    /// <param name="pixelValues"><c>[B, 3, H, W]</c> normalised pixels.</param>
    /// <param name="inputIds"><c>[B, T]</c> token ids (OPT: BOS + prompt + answer; T5: prompt + EOS; retrieval: the text).</param>
    /// <param name="attentionMask"><c>[B, T]</c> 0/1 mask.</param>
    /// <param name="labels">Target ids, −100 = ignored (OPT <c>[B, T]</c>, T5 <c>[B, L]</c>); null for retrieval.</param>
    /// <param name="decoderInputIds">T5 decoder ids <c>[B, L]</c>; null = the labels shifted right.</param>
    /// <param name="decoderAttentionMask">T5 decoder mask <c>[B, L]</c>; null = all ones.</param>
    /// <param name="imageKeys">One stable key per row identifying its image, for the image-feature cache; null = not cacheable.</param>
    /// <exception cref="ArgumentException">A tensor whose shape does not fit the others (named in the message).</exception>
    public TrainingBatch(Tensor pixelValues, Tensor inputIds, Tensor attentionMask, Tensor? labels = null,
        Tensor? decoderInputIds = null, Tensor? decoderAttentionMask = null, IReadOnlyList<long>? imageKeys = null)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (pixelValues.dim() != 4) throw new ArgumentException($"pixelValues must be [B, C, H, W], got [{Shape(pixelValues)}].", nameof(pixelValues));
        long batch = pixelValues.shape[0];
        RequireRows(inputIds, batch, 2, nameof(inputIds));
        RequireSameShape(attentionMask, inputIds, nameof(attentionMask), nameof(inputIds));
        if (labels is not null) RequireRows(labels, batch, 2, nameof(labels));
        if (decoderInputIds is not null)
        {
            RequireRows(decoderInputIds, batch, 2, nameof(decoderInputIds));
            if (labels is not null) RequireSameShape(decoderInputIds, labels, nameof(decoderInputIds), nameof(labels));
        }
        if (decoderAttentionMask is not null)
        {
            var reference = decoderInputIds ?? labels
                ?? throw new ArgumentException("decoderAttentionMask needs decoderInputIds or labels.", nameof(decoderAttentionMask));
            RequireSameShape(decoderAttentionMask, reference, nameof(decoderAttentionMask), decoderInputIds is null ? nameof(labels) : nameof(decoderInputIds));
        }
        if (imageKeys is not null && imageKeys.Count != batch)
            throw new ArgumentException($"imageKeys has {imageKeys.Count} entries for a batch of {batch}.", nameof(imageKeys));

        PixelValues = pixelValues.DetachFromDisposeScope();
        InputIds = inputIds.DetachFromDisposeScope();
        AttentionMask = attentionMask.DetachFromDisposeScope();
        Labels = labels?.DetachFromDisposeScope();
        DecoderInputIds = decoderInputIds?.DetachFromDisposeScope();
        DecoderAttentionMask = decoderAttentionMask?.DetachFromDisposeScope();
        ImageKeys = imageKeys;
    }

    /// <summary><c>[B, 3, H, W]</c> pixels.</summary>
    public Tensor PixelValues { get; }

    /// <summary><c>[B, T]</c> token ids.</summary>
    public Tensor InputIds { get; }

    /// <summary><c>[B, T]</c> attention mask.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>Target ids (−100 = ignored), or null.</summary>
    public Tensor? Labels { get; }

    /// <summary>T5 decoder ids, or null.</summary>
    public Tensor? DecoderInputIds { get; }

    /// <summary>T5 decoder mask, or null.</summary>
    public Tensor? DecoderAttentionMask { get; }

    /// <summary>Per-row image keys for the feature cache, or null.</summary>
    public IReadOnlyList<long>? ImageKeys { get; }

    /// <summary>Number of examples.</summary>
    public long Size => PixelValues.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        PixelValues.Dispose();
        InputIds.Dispose();
        AttentionMask.Dispose();
        Labels?.Dispose();
        DecoderInputIds?.Dispose();
        DecoderAttentionMask?.Dispose();
    }

    private static void RequireRows(Tensor t, long batch, int dims, string name)
    {
        if (t.dim() != dims || t.shape[0] != batch)
            throw new ArgumentException($"{name} must be [{batch}, ...] with {dims} dimensions to match pixelValues, got [{Shape(t)}].", name);
    }

    private static void RequireSameShape(Tensor t, Tensor reference, string name, string referenceName)
    {
        if (!t.shape.SequenceEqual(reference.shape))
            throw new ArgumentException($"{name} has shape [{Shape(t)}] but {referenceName} has [{Shape(reference)}].", name);
    }

    private static string Shape(Tensor t) => string.Join(", ", t.shape);
}
