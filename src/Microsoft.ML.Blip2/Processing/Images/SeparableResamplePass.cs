namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// One axis of Pillow 9.4's two-pass 8-bit convolution resize (ImagingResampleHorizontal_8bpc /
/// ImagingResampleVertical_8bpc) on interleaved bytes: every channel is an independent fixed-point dot product,
/// started at one half (1 &lt;&lt; (PRECISION_BITS − 1)) and shifted back with clamping to 0..255.
/// </summary>
internal static class SeparableResamplePass
{
    private const int Half = 1 << (ResamplingCoefficients.PrecisionBits - 1);

    /// <summary>
    /// Resamples rows <paramref name="firstRow"/> .. <paramref name="firstRow"/> + <paramref name="rowCount"/> − 1 of
    /// <paramref name="source"/> horizontally to <c>coefficients.FirstSource.Length</c> columns.
    /// </summary>
    public static byte[] Horizontal(
        byte[] source, int sourceWidth, int channels, int firstRow, int rowCount, ResamplingCoefficients coefficients)
    {
        int outWidth = coefficients.FirstSource.Length;
        int kernelSize = coefficients.KernelSize;
        int[] weights = coefficients.Weights;
        var output = new byte[outWidth * rowCount * channels];
        Span<int> sums = stackalloc int[channels];

        for (int y = 0; y < rowCount; y++)
        {
            int sourceRow = (firstRow + y) * sourceWidth * channels;
            int outputRow = y * outWidth * channels;
            for (int x = 0; x < outWidth; x++)
            {
                int first = coefficients.FirstSource[x];
                int count = coefficients.SourceCount[x];
                int weightOffset = x * kernelSize;
                sums.Fill(Half);
                for (int k = 0; k < count; k++)
                {
                    int weight = weights[weightOffset + k];
                    int pixel = sourceRow + (first + k) * channels;
                    for (int c = 0; c < channels; c++)
                    {
                        sums[c] += source[pixel + c] * weight;
                    }
                }

                int target = outputRow + x * channels;
                for (int c = 0; c < channels; c++)
                {
                    output[target + c] = Clip8(sums[c]);
                }
            }
        }

        return output;
    }

    /// <summary>
    /// Resamples <paramref name="source"/> (<paramref name="width"/> columns) vertically to
    /// <c>coefficients.FirstSource.Length</c> rows; source row indices are the coefficients' minus
    /// <paramref name="rowShift"/> (the first row kept by the horizontal pass).
    /// </summary>
    public static byte[] Vertical(
        byte[] source, int width, int channels, int rowShift, ResamplingCoefficients coefficients)
    {
        int outHeight = coefficients.FirstSource.Length;
        int kernelSize = coefficients.KernelSize;
        int[] weights = coefficients.Weights;
        int rowStride = width * channels;
        var output = new byte[outHeight * rowStride];

        for (int y = 0; y < outHeight; y++)
        {
            int first = coefficients.FirstSource[y] - rowShift;
            int count = coefficients.SourceCount[y];
            int weightOffset = y * kernelSize;
            int outputRow = y * rowStride;
            for (int i = 0; i < rowStride; i++)
            {
                int sum = Half;
                for (int k = 0; k < count; k++)
                {
                    sum += source[(first + k) * rowStride + i] * weights[weightOffset + k];
                }

                output[outputRow + i] = Clip8(sum);
            }
        }

        return output;
    }

    /// <summary>Pillow's clip8: drop the fraction bits (arithmetic shift), clamp to a byte.</summary>
    private static byte Clip8(int sum)
    {
        int value = sum >> ResamplingCoefficients.PrecisionBits;
        return value < 0 ? (byte)0 : value > 255 ? (byte)255 : (byte)value;
    }
}
