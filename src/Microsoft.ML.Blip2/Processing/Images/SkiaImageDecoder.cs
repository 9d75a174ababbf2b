using System.Runtime.InteropServices;
using SkiaSharp;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Decodes encoded images with SkiaSharp's <see cref="SKCodec"/> into Pillow-equal 8-bit pixels: straight
/// (unpremultiplied) alpha, no colour-space conversion, no EXIF rotation, first frame only.
/// </summary>
internal static class SkiaImageDecoder
{
    /// <summary>Decodes <paramref name="encoded"/>; <paramref name="inputName"/> names it in exceptions.</summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> encoded, string inputName)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageDecodingException(inputName, "the data is empty (0 bytes).");
        }

        ImageMode? headerMode = EncodedImageHeader.PillowModeOf(encoded, inputName);

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageDecodingException(
                inputName,
                $"not a recognised image format or a damaged header ({encoded.Length} bytes; PNG, JPEG, BMP, GIF, WebP, ICO, WBMP are read).");

        SKImageInfo sourceInfo = codec.Info;
        if (sourceInfo.Width <= 0 || sourceInfo.Height <= 0)
        {
            throw new ImageDecodingException(inputName, $"the image has no pixels ({sourceInfo.Width}x{sourceInfo.Height}).");
        }

        ImageMode mode = headerMode ?? ModeFromCodec(sourceInfo);
        byte[] rgba = DecodeToRgba(codec, sourceInfo.Width, sourceInfo.Height, inputName);
        return new DecodedImage(sourceInfo.Width, sourceInfo.Height, mode, SelectChannels(rgba, mode));
    }

    private static ImageMode ModeFromCodec(SKImageInfo info) =>
        info.ColorType == SKColorType.Gray8 ? ImageMode.L
        : info.AlphaType == SKAlphaType.Opaque ? ImageMode.Rgb
        : ImageMode.Rgba;

    private static byte[] DecodeToRgba(SKCodec codec, int width, int height, string inputName)
    {
        // A null colour space (the default) tells Skia not to colour-manage, as Pillow does not.
        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[checked(width * height * 4)];
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(target, handle.AddrOfPinnedObject(), width * 4, new SKCodecOptions(0));
        }
        finally
        {
            handle.Free();
        }

        return result switch
        {
            SKCodecResult.Success => pixels,
            SKCodecResult.IncompleteInput => throw new ImageDecodingException(
                inputName, $"the {codec.EncodedFormat} data is truncated (image file ends before all pixels)."),
            SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => throw new ImageDecodingException(
                inputName, $"the {codec.EncodedFormat} data is corrupt ({result})."),
            _ => throw new ImageDecodingException(
                inputName, $"SkiaSharp could not decode this {codec.EncodedFormat} image to 8-bit RGBA ({result})."),
        };
    }

    /// <summary>Keeps the bytes of <paramref name="mode"/> from decoded RGBA (gray images decode as R = G = B).</summary>
    private static byte[] SelectChannels(byte[] rgba, ImageMode mode)
    {
        if (mode == ImageMode.Rgba)
        {
            return rgba;
        }

        int pixelCount = rgba.Length / 4;
        int channels = mode.ChannelCount();
        var packed = new byte[pixelCount * channels];
        for (int p = 0; p < pixelCount; p++)
        {
            int s = p * 4;
            int d = p * channels;
            switch (mode)
            {
                case ImageMode.L:
                    packed[d] = rgba[s];
                    break;
                case ImageMode.LA:
                    packed[d] = rgba[s];
                    packed[d + 1] = rgba[s + 3];
                    break;
                default:
                    packed[d] = rgba[s];
                    packed[d + 1] = rgba[s + 1];
                    packed[d + 2] = rgba[s + 2];
                    break;
            }
        }

        return packed;
    }
}
