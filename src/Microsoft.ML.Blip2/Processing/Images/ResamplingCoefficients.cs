namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Per-output-pixel source window and fixed-point weights along one axis, as Pillow 9.4's
/// <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> compute them.
/// </summary>
internal sealed class ResamplingCoefficients
{
    /// <summary>Fractional bits of the fixed-point weights: 32 − 8 (pixel) − 2 (overshoot headroom).</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    private ResamplingCoefficients(int kernelSize, int[] firstSource, int[] sourceCount, int[] weights)
    {
        KernelSize = kernelSize;
        FirstSource = firstSource;
        SourceCount = sourceCount;
        Weights = weights;
    }

    /// <summary>Stride of <see cref="Weights"/> per output pixel (Pillow's <c>ksize</c>).</summary>
    public int KernelSize { get; }

    /// <summary>First source index contributing to each output index (Pillow's <c>bounds[2i]</c>).</summary>
    public int[] FirstSource { get; }

    /// <summary>Number of source indices contributing to each output index (Pillow's <c>bounds[2i+1]</c>).</summary>
    public int[] SourceCount { get; }

    /// <summary>Fixed-point weights, <see cref="KernelSize"/> per output index, unused tail zero.</summary>
    public int[] Weights { get; }

    /// <summary>
    /// Coefficients mapping the source span [<paramref name="in0"/>, <paramref name="in1"/>) of an axis of
    /// <paramref name="inSize"/> pixels onto <paramref name="outSize"/> pixels.
    /// </summary>
    public static ResamplingCoefficients Compute(
        int inSize, float in0, float in1, int outSize, ResamplingKernel kernel)
    {
        // Box coordinates are floats in Pillow; the difference is taken in float, then widened.
        double scale = (double)(in1 - in0) / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = kernel.Support * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;

        var firstSource = new int[outSize];
        var sourceCount = new int[outSize];
        var weights = new int[outSize * kernelSize];
        var window = new double[kernelSize];
        double inverseFilterScale = 1.0 / filterScale;

        for (int outIndex = 0; outIndex < outSize; outIndex++)
        {
            double center = in0 + (outIndex + 0.5) * scale;
            // (int) truncates toward zero like the C cast; negatives are then clamped.
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0)
            {
                xmin = 0;
            }

            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize)
            {
                xmax = inSize;
            }

            int count = xmax - xmin;
            double total = 0.0;
            for (int x = 0; x < count; x++)
            {
                double w = kernel.Weight((x + xmin - center + 0.5) * inverseFilterScale);
                window[x] = w;
                total += w;
            }

            int offset = outIndex * kernelSize;
            for (int x = 0; x < count; x++)
            {
                double normalized = total != 0.0 ? window[x] / total : window[x];
                weights[offset + x] = ToFixedPoint(normalized);
            }

            firstSource[outIndex] = xmin;
            sourceCount[outIndex] = count;
        }

        return new ResamplingCoefficients(kernelSize, firstSource, sourceCount, weights);
    }

    /// <summary>Pillow's rounding to fixed point: half away from zero, then truncation.</summary>
    private static int ToFixedPoint(double weight) => weight < 0
        ? (int)(-0.5 + weight * (1 << PrecisionBits))
        : (int)(0.5 + weight * (1 << PrecisionBits));
}
