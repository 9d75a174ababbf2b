using TorchSharp;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// The output of a batch tokenizer call: one row of int64 ids per text, the attention mask (1 = token, 0 = padding) and,
/// for models that use them, token type ids. Rows have equal lengths when the call padded them.
/// </summary>
public sealed class TokenizedBatch
{
    /// <summary>Creates a batch; all arrays must have the same number of rows and matching row lengths.</summary>
    /// <param name="inputIds">Token ids per row.</param>
    /// <param name="attentionMask">Attention mask per row.</param>
    /// <param name="tokenTypeIds">Optional token type (segment) ids per row.</param>
    public TokenizedBatch(long[][] inputIds, long[][] attentionMask, long[][]? tokenTypeIds = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        CheckSameShape(inputIds, attentionMask, nameof(attentionMask));
        if (tokenTypeIds is not null)
        {
            CheckSameShape(inputIds, tokenTypeIds, nameof(tokenTypeIds));
        }

        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
    }

    /// <summary>Token ids, one array per row.</summary>
    public long[][] InputIds { get; }

    /// <summary>Attention mask, one array per row (1 for real tokens, 0 for padding).</summary>
    public long[][] AttentionMask { get; }

    /// <summary>Token type ids (BERT segment ids), or <see langword="null"/> when the model does not use them.</summary>
    public long[][]? TokenTypeIds { get; }

    /// <summary>Number of rows.</summary>
    public int Count => InputIds.Length;

    /// <summary>Whether every row has the same length (always true after padding).</summary>
    public bool IsRectangular => InputIds.All(row => row.Length == InputIds[0].Length);

    /// <summary>
    /// Copies the batch into <c>[B, T]</c> int64 tensors. Throws when rows have different lengths (call with padding).
    /// The caller owns (disposes) the returned tensors.
    /// </summary>
    /// <param name="device">Target device; CPU when <see langword="null"/>.</param>
    public TokenizedTensors ToTensors(torch.Device? device = null)
    {
        if (!IsRectangular)
        {
            string lengths = string.Join(", ", InputIds.Select(row => row.Length));
            throw new InvalidOperationException(
                $"Cannot stack a ragged batch into a tensor (row lengths {lengths}); tokenize with padding.");
        }

        torch.Tensor ids = ToTensor(InputIds, device);
        torch.Tensor mask = ToTensor(AttentionMask, device);
        torch.Tensor? types = TokenTypeIds is null ? null : ToTensor(TokenTypeIds, device);
        return new TokenizedTensors(ids, mask, types);
    }

    private static torch.Tensor ToTensor(long[][] rows, torch.Device? device)
    {
        int width = rows.Length == 0 ? 0 : rows[0].Length;
        var flat = new long[rows.Length * width];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r].CopyTo(flat, r * width);
        }

        torch.Tensor cpu = torch.tensor(flat, new long[] { rows.Length, width }, torch.int64);
        if (device is null || device.type == DeviceType.CPU)
        {
            return cpu;
        }

        using (cpu)
        {
            return cpu.to(device);
        }
    }

    private static void CheckSameShape(long[][] reference, long[][] other, string name)
    {
        ArgumentNullException.ThrowIfNull(other, name);
        if (other.Length != reference.Length)
        {
            throw new ArgumentException($"{name} has {other.Length} rows but input ids have {reference.Length}.", name);
        }

        for (int r = 0; r < reference.Length; r++)
        {
            if (other[r] is null || reference[r] is null || other[r].Length != reference[r].Length)
            {
                throw new ArgumentException($"Row {r} of {name} does not have the length of input ids row {r}.", name);
            }
        }
    }
}
