namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Splits raw text on added tokens the way Hugging Face slow tokenizers do (<c>Trie.split</c> + the strip rules of
/// <c>PreTrainedTokenizer.tokenize</c>): the earliest match wins, the longest token at that position is taken, then
/// <c>lstrip</c>/<c>rstrip</c>/<c>single_word</c> adjust the neighbouring text pieces.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Node root = new();
    private readonly IReadOnlyDictionary<string, AddedToken> tokens;

    public AddedTokenSplitter(IEnumerable<AddedToken> addedTokens)
    {
        var byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (AddedToken token in addedTokens)
        {
            if (token.Content.Length == 0)
            {
                continue;
            }

            byContent[token.Content] = token;
            Node node = root;
            foreach (char c in token.Content)
            {
                if (!node.Children.TryGetValue(c, out Node? next))
                {
                    next = new Node();
                    node.Children[c] = next;
                }

                node = next;
            }

            node.IsEnd = true;
        }

        tokens = byContent;
    }

    /// <summary>A piece of split text: either an added token (by content) or text for the model tokenizer.</summary>
    public readonly record struct Piece(string Text, bool IsAddedToken);

    /// <summary>Splits <paramref name="text"/>; empty pieces (fully stripped text) are dropped.</summary>
    public List<Piece> Split(string text)
    {
        List<string> parts = Cut(text);
        ApplyStripRules(parts);
        var pieces = new List<Piece>(parts.Count);
        foreach (string part in parts)
        {
            if (part.Length > 0)
            {
                pieces.Add(new Piece(part, tokens.ContainsKey(part)));
            }
        }

        return pieces;
    }

    private List<string> Cut(string text)
    {
        var parts = new List<string>();
        int segmentStart = 0;
        int i = 0;
        while (i < text.Length)
        {
            int length = LongestMatchAt(text, i);
            if (length == 0)
            {
                i++;
                continue;
            }

            if (i > segmentStart)
            {
                parts.Add(text[segmentStart..i]);
            }

            parts.Add(text.Substring(i, length));
            i += length;
            segmentStart = i;
        }

        if (segmentStart < text.Length)
        {
            parts.Add(text[segmentStart..]);
        }

        return parts;
    }

    private int LongestMatchAt(string text, int start)
    {
        Node node = root;
        int best = 0;
        for (int j = start; j < text.Length && node.Children.TryGetValue(text[j], out Node? next); j++)
        {
            node = next;
            if (node.IsEnd)
            {
                best = j - start + 1;
            }
        }

        return best;
    }

    // Same order and in-place updates as PreTrainedTokenizer.tokenize, so chained neighbours behave identically.
    private void ApplyStripRules(List<string> parts)
    {
        for (int i = 0; i < parts.Count; i++)
        {
            if (!tokens.TryGetValue(parts[i], out AddedToken? token))
            {
                continue;
            }

            string? left = i > 0 ? parts[i - 1] : null;
            string? right = i < parts.Count - 1 ? parts[i + 1] : null;
            if (token.RStrip && !string.IsNullOrEmpty(right))
            {
                parts[i + 1] = PythonText.LStrip(right);
            }

            if (token.LStrip && !string.IsNullOrEmpty(left))
            {
                parts[i - 1] = PythonText.RStrip(left);
            }

            if (token.SingleWord && !string.IsNullOrEmpty(left) && left[^1] != ' ')
            {
                parts[i - 1] += parts[i];
                parts[i] = string.Empty;
            }
            else if (token.SingleWord && !string.IsNullOrEmpty(right) && right[0] != ' ')
            {
                parts[i + 1] = parts[i] + parts[i + 1];
                parts[i] = string.Empty;
            }
        }
    }

    private sealed class Node
    {
        public Dictionary<char, Node> Children { get; } = new();

        public bool IsEnd { get; set; }
    }
}
