namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Reads just enough of a PNG or JPEG header to know the mode Pillow gives the image, which the decoder's own
/// colour type does not tell (SkiaSharp reports gray+tRNS, palette and RGB+tRNS all as RGBA, for instance).
/// </summary>
internal static class EncodedImageHeader
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The mode for a PNG or JPEG, or null for other formats (and for headers too damaged to read, which the
    /// decoder then reports). Throws <see cref="ImageDecodingException"/> for variants Pillow does not open as an
    /// 8-bit image.
    /// </summary>
    public static ImageMode? PillowModeOf(ReadOnlySpan<byte> data, string inputName)
    {
        if (data.StartsWith(PngSignature))
        {
            return PngMode(data, inputName);
        }

        if (data.Length >= 2 && data[0] == 0xFF && data[1] == 0xD8)
        {
            return JpegMode(data);
        }

        return null;
    }

    private static ImageMode? PngMode(ReadOnlySpan<byte> data, string inputName)
    {
        // Signature, then IHDR: length(4) "IHDR"(4) width(4) height(4) bit depth(1) colour type(1).
        const int ihdrData = 8 + 8;
        if (data.Length < ihdrData + 10)
        {
            return null;
        }

        int bitDepth = data[ihdrData + 8];
        int colorType = data[ihdrData + 9];
        return colorType switch
        {
            0 when bitDepth == 16 => throw new ImageDecodingException(
                inputName, "16-bit grayscale PNG is not supported (Pillow opens it as 32-bit integer mode \"I\")."),
            0 => ImageMode.L,
            2 => ImageMode.Rgb,
            3 => HasPngChunkBeforeImageData(data, "tRNS"u8) ? ImageMode.Rgba : ImageMode.Rgb,
            // Pillow opens 16-bit gray+alpha as RGBA ("LA;16B" unpacks to RGBA).
            4 => bitDepth == 16 ? ImageMode.Rgba : ImageMode.LA,
            6 => ImageMode.Rgba,
            _ => null,
        };
    }

    private static bool HasPngChunkBeforeImageData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> chunkType)
    {
        int position = 8;
        while (position + 8 <= data.Length)
        {
            long length = (uint)(data[position] << 24 | data[position + 1] << 16 | data[position + 2] << 8 | data[position + 3]);
            ReadOnlySpan<byte> type = data.Slice(position + 4, 4);
            if (type.SequenceEqual(chunkType))
            {
                return true;
            }

            if (type.SequenceEqual("IDAT"u8))
            {
                return false;
            }

            long next = position + 12 + length;
            if (next > data.Length)
            {
                return false;
            }

            position = (int)next;
        }

        return false;
    }

    private static ImageMode? JpegMode(ReadOnlySpan<byte> data)
    {
        int position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                return null;
            }

            byte marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }

            int length = data[position + 2] << 8 | data[position + 3];
            bool startOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (startOfFrame)
            {
                // length(2) precision(1) height(2) width(2) component count(1)
                int componentsAt = position + 2 + 7;
                if (componentsAt >= data.Length)
                {
                    return null;
                }

                return data[componentsAt] switch
                {
                    1 => ImageMode.L,
                    // CMYK: Pillow reports "CMYK"; both assume Adobe-inverted CMYK, so SkiaSharp's RGB = Pillow's convert('RGB').
                    3 or 4 => ImageMode.Rgb,
                    _ => null,
                };
            }

            position += 2 + length;
        }

        return null;
    }
}
