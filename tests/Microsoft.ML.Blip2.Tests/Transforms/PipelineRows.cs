using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Tests.Transforms;

/// <summary>Input row with an image file path.</summary>
public sealed class ImagePathRow
{
    public string ImagePath { get; set; } = string.Empty;
}

/// <summary>Input row with an image file path and a question or text.</summary>
public sealed class ImageTextRow
{
    public string ImagePath { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;
}

/// <summary>Input row with an encoded image file.</summary>
public sealed class ImageBytesRow
{
    public byte[] ImageBytes { get; set; } = [];
}

/// <summary>Output row of captioning / question answering.</summary>
public sealed class GeneratedTextRow
{
    public string Output { get; set; } = string.Empty;
}

/// <summary>Output row of captioning with every optional column.</summary>
public sealed class GeneratedDetailsRow
{
    public string Output { get; set; } = string.Empty;

    public bool Ok { get; set; }

    [VectorType]
    public long[] Ids { get; set; } = [];

    public float Score { get; set; }
}

/// <summary>Output row of image–text matching.</summary>
public sealed class MatchScoreRow
{
    public float Output { get; set; }
}
