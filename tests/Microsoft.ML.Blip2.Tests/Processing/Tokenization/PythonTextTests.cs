using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>Python <c>str</c> behaviours (checked against CPython 3.11 semantics by hand).</summary>
[TestClass]
public sealed class PythonTextTests
{
    [TestMethod]
    public void IsSpaceIncludesTheInformationSeparators()
    {
        // Python: '\x1c'.isspace() is True, '\u200b'.isspace() is False, '\xa0'.isspace() is True.
        Assert.IsTrue(PythonText.IsSpace(0x1C));
        Assert.IsTrue(PythonText.IsSpace(0xA0));
        Assert.IsTrue(PythonText.IsSpace(0x3000));
        Assert.IsFalse(PythonText.IsSpace(0x200B));
        Assert.IsFalse(PythonText.IsWhiteSpaceProperty(0x1C), "not White_Space, so not \\s of the regex module");
    }

    [TestMethod]
    public void StripAndSplitUsePythonWhitespace()
    {
        Assert.AreEqual("a b", PythonText.Strip("\u001c\u3000a b\t\n"));
        Assert.AreEqual("a b ", PythonText.LStrip("  a b "));
        Assert.AreEqual(" a b", PythonText.RStrip(" a b \u2028"));
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, PythonText.SplitOnWhitespace("  a\u00a0b\u001fc  "));
        Assert.AreEqual(0, PythonText.SplitOnWhitespace(" \t ").Count);
    }

    [TestMethod]
    public void LowerUsesFullMappingAndFinalSigma()
    {
        Assert.AreEqual("οδος και σοφια", PythonText.Lower("ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ"));
        Assert.AreEqual("σ", PythonText.Lower("Σ"), "a lone sigma is not final");
        Assert.AreEqual("i\u0307stanbul", PythonText.Lower("İstanbul"));
        Assert.AreEqual("straße", PythonText.Lower("STRAßE"));
    }
}
