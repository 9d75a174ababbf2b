namespace Microsoft.ML.Blip2.Configuration;

/// <summary>A height and width in pixels (the <c>size</c> of an image processor).</summary>
/// <param name="Height">Height in pixels.</param>
/// <param name="Width">Width in pixels.</param>
public readonly record struct PixelDimensions(int Height, int Width);
