using Microsoft.ML.Blip2.Configuration;

namespace Microsoft.ML.Blip2.Tests.Configuration;

/// <summary>Expected strings are what CPython's repr(float) prints for the same values.</summary>
[TestClass]
public sealed class PythonJsonNumberTests
{
    [TestMethod]
    [DataRow(1.0, "1.0")]
    [DataRow(0.0, "0.0")]
    [DataRow(-0.0, "-0.0")]
    [DataRow(0.02, "0.02")]
    [DataRow(0.1, "0.1")]
    [DataRow(1e-6, "1e-06")]
    [DataRow(1e-12, "1e-12")]
    [DataRow(1e-10, "1e-10")]
    [DataRow(1e-5, "1e-05")]
    [DataRow(0.0001, "0.0001")]
    [DataRow(1.0 / 255, "0.00392156862745098")]
    [DataRow(0.48145466, "0.48145466")]
    [DataRow(123.45, "123.45")]
    [DataRow(-2.5, "-2.5")]
    [DataRow(1e15, "1000000000000000.0")]
    [DataRow(1e16, "1e+16")]
    [DataRow(1.5e300, "1.5e+300")]
    [DataRow(2.5e-7, "2.5e-07")]
    public void FormatsLikePythonRepr(double value, string expected)
    {
        string text = PythonJsonNumber.Format(value);

        Assert.AreEqual(expected, text);
        Assert.AreEqual(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public void RejectsNonFiniteValues()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PythonJsonNumber.Format(double.NaN));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => PythonJsonNumber.Format(double.PositiveInfinity));
    }
}
