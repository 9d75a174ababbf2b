namespace Blip2.FineTune;

/// <summary>One input row: an image file and its caption.</summary>
public sealed class CaptionedImage
{
    /// <summary>Full path of the image file.</summary>
    public string ImagePath { get; set; } = string.Empty;

    /// <summary>The target caption.</summary>
    public string Caption { get; set; } = string.Empty;
}
