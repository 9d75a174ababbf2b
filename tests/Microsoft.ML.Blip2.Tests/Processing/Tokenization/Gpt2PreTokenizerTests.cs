using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>
/// The GPT-2 pre-tokenizer regex, with splits worked out by hand from
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>.
/// </summary>
[TestClass]
public sealed class Gpt2PreTokenizerTests
{
    [TestMethod]
    [DataRow("Hello world", new[] { "Hello", " world" })]
    [DataRow("Hello  world", new[] { "Hello", " ", " world" })]
    [DataRow("x  ", new[] { "x", "  " })]
    [DataRow("a\n\nb", new[] { "a", "\n", "\n", "b" })]
    [DataRow("a \n b", new[] { "a", " \n", " b" })]
    [DataRow("I'm here", new[] { "I", "'m", " here" })]
    [DataRow("we'll they've", new[] { "we", "'ll", " they", "'ve" })]
    [DataRow("IT'S", new[] { "IT", "'", "S" })]
    [DataRow("!'s", new[] { "!'", "s" })]
    [DataRow(" 123abc", new[] { " 123", "abc" })]
    [DataRow("!!!?? x", new[] { "!!!??", " x" })]
    [DataRow("\u00a0x", new[] { "\u00a0", "x" })]
    [DataRow("zero\u200bwidth", new[] { "zero", "\u200b", "width" })]
    public void SplitsLikeTheGpt2Regex(string text, string[] expected)
    {
        var pieces = Gpt2PreTokenizer.Split(text).Select(p => text.Substring(p.Offset, p.Length)).ToList();
        CollectionAssert.AreEqual(expected, pieces);
    }

    [TestMethod]
    public void AstralLettersStayInOneLetterRun()
    {
        // U+20000 and U+20001 (CJK extension B) are letters; a UTF-16 regex would see four surrogates instead.
        string text = " \U00020000\U00020001x 1";
        var pieces = Gpt2PreTokenizer.Split(text).Select(p => text.Substring(p.Offset, p.Length)).ToList();
        CollectionAssert.AreEqual(new[] { " \U00020000\U00020001x", " 1" }, pieces);
    }
}
