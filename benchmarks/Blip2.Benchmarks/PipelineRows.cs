namespace Blip2.Benchmarks;

/// <summary>Input row: an image file path.</summary>
public sealed class ImagePathRow
{
    public string ImagePath { get; set; } = string.Empty;
}

/// <summary>Output row: a caption.</summary>
public sealed class CaptionRow
{
    public string Caption { get; set; } = string.Empty;
}
