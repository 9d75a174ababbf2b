using Microsoft.ML.Blip2.Configuration;
namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// The convolution kernels of Pillow 9.4's libImaging/Resample.c: a weight function and its support radius
/// (before scaling by the downscale factor). Arithmetic is kept in the same order and precision as the C code,
/// since the fixed-point weights derived from it must match bit for bit.
/// </summary>
internal sealed class ResamplingKernel
{
    private readonly Func<double, double> _weight;

    private ResamplingKernel(Func<double, double> weight, double support)
    {
        _weight = weight;
        Support = support;
    }

    /// <summary>Radius outside which the weight is zero, in input pixels at scale 1.</summary>
    public double Support { get; }

    /// <summary>Kernel for one of the separable filters (not <see cref="PilResampling.Nearest"/>).</summary>
    public static ResamplingKernel For(PilResampling filter) => filter switch
    {
        PilResampling.Box => new ResamplingKernel(BoxWeight, 0.5),
        PilResampling.Bilinear => new ResamplingKernel(BilinearWeight, 1.0),
        PilResampling.Hamming => new ResamplingKernel(HammingWeight, 1.0),
        PilResampling.Bicubic => new ResamplingKernel(BicubicWeight, 2.0),
        PilResampling.Lanczos => new ResamplingKernel(LanczosWeight, 3.0),
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "No convolution kernel for this filter."),
    };

    /// <summary>Weight at distance <paramref name="x"/> (in kernel units).</summary>
    public double Weight(double x) => _weight(x);

    private static double BoxWeight(double x) => x > -0.5 && x <= 0.5 ? 1.0 : 0.0;

    private static double BilinearWeight(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double HammingWeight(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0)
        {
            return 1.0;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        x *= Math.PI;
        // The C code uses float literals here (0.54f, 0.46f), promoted to double.
        return Math.Sin(x) / x * (0.54f + 0.46f * Math.Cos(x));
    }

    private static double BicubicWeight(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }

        if (x < 2.0)
        {
            return (((x - 5) * x + 8) * x - 4) * a;
        }

        return 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }

        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double LanczosWeight(double x) => -3.0 <= x && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
}
