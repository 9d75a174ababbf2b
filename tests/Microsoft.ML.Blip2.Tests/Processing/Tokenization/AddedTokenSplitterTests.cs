using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing;

/// <summary>Splitting on added tokens, with results derived by hand from transformers' Trie.split and strip rules.</summary>
[TestClass]
public sealed class AddedTokenSplitterTests
{
    private static List<string> Split(string text, params AddedToken[] tokens) =>
        new AddedTokenSplitter(tokens).Split(text).Select(p => p.IsAddedToken ? $"[{p.Text}]" : p.Text).ToList();

    [TestMethod]
    public void LongestTokenWinsAtTheEarliestPosition()
    {
        CollectionAssert.AreEqual(new[] { "a", "[<extra_id_10>]", "b" },
            Split("a<extra_id_10>b", new AddedToken("<extra_id_1>"), new AddedToken("<extra_id_10>")));
        CollectionAssert.AreEqual(new[] { "x", "[ab]", "cd" }, Split("xabcd", new AddedToken("ab"), new AddedToken("bcd")));
    }

    [TestMethod]
    public void SpacesAroundPlainTokensStay()
    {
        CollectionAssert.AreEqual(new[] { " ", "[</s>]", " " }, Split(" </s> ", new AddedToken("</s>")));
    }

    [TestMethod]
    public void StripFlagsEatTheNeighbouringWhitespace()
    {
        var sentinel = new AddedToken("<x>") { LStrip = true, RStrip = true };
        CollectionAssert.AreEqual(new[] { "a", "[<x>]", "b " }, Split("a  <x> \tb ", sentinel));
        CollectionAssert.AreEqual(new[] { "[<x>]" }, Split("  <x>  ", sentinel), "fully stripped pieces are dropped");
    }

    [TestMethod]
    public void SingleWordTokensInsideWordsAreNotSplit()
    {
        var word = new AddedToken("cat") { SingleWord = true };
        CollectionAssert.AreEqual(new[] { "a ", "[cat]", " b" }, Split("a cat b", word));
        // "con" + "cat" + "enate": the token glues to its left neighbour, which is then model-tokenized as text.
        CollectionAssert.AreEqual(new[] { "concat", "enate" }, Split("concatenate", word));
    }
}
