namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Pillow 9.4's NEAREST resize: an affine scale (ImagingScaleAffine) whose source coordinate starts at half a step
/// and is advanced by repeated addition of the step, truncated to an index; out-of-range positions become 0.
/// </summary>
internal static class NearestNeighbourScaler
{
    /// <summary>Scales <paramref name="source"/> to <paramref name="outWidth"/> × <paramref name="outHeight"/>.</summary>
    public static byte[] Scale(
        byte[] source, int width, int height, int channels, int outWidth, int outHeight)
    {
        int[] columns = SourceIndices(width, outWidth);
        int[] rows = SourceIndices(height, outHeight);
        var output = new byte[outWidth * outHeight * channels];

        for (int y = 0; y < outHeight; y++)
        {
            if (rows[y] < 0)
            {
                continue;
            }

            int sourceRow = rows[y] * width * channels;
            int outputRow = y * outWidth * channels;
            for (int x = 0; x < outWidth; x++)
            {
                if (columns[x] < 0)
                {
                    continue;
                }

                Array.Copy(source, sourceRow + columns[x] * channels, output, outputRow + x * channels, channels);
            }
        }

        return output;
    }

    /// <summary>Source index per output index, −1 where Pillow finds none (the pixel stays 0).</summary>
    private static int[] SourceIndices(int inSize, int outSize)
    {
        // Pillow: a = (double)(float)(box1 - box0) / size; position = a * 0.5, then position += a per step.
        double step = (double)(float)inSize / outSize;
        double position = step * 0.5;
        var indices = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            int index = position < 0.0 ? -1 : (int)position;
            indices[i] = index >= 0 && index < inSize ? index : -1;
            position += step;
        }

        return indices;
    }
}
