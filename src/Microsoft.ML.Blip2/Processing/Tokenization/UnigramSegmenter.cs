using System.Text;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// SentencePiece's unigram Viterbi (<c>Model::EncodeOptimized</c>) over normalized text, with its exact arithmetic:
/// candidate path scores are computed in double, compared against the best score stored as float, and stored as float
/// (unknown-character candidates stay in float). Near-ties, such as "000" as "00"+"0" or "0"+"00", then resolve as they
/// do in sentencepiece; a plain float or double Viterbi picks the other segmentation in some contexts.
/// </summary>
internal sealed class UnigramSegmenter
{
    private const float UnkPenalty = 10.0f;
    private const float FltMin = 1.17549435E-38f; // sentencepiece starts max_score_ at FLT_MIN (not -FLT_MAX)

    private readonly Node root = new();
    private readonly SentencePieceModelProto model;
    private readonly float unkScore;
    private readonly float maxScore;

    public UnigramSegmenter(SentencePieceModelProto model)
    {
        this.model = model;
        float min = float.MaxValue;
        float max = FltMin;
        for (int id = 0; id < model.Pieces.Count; id++)
        {
            SentencePiece piece = model.Pieces[id];
            if (piece.Type == SentencePieceType.Normal)
            {
                min = Math.Min(min, piece.Score);
                max = Math.Max(max, piece.Score);
            }

            if (piece.Type is SentencePieceType.Normal or SentencePieceType.UserDefined or SentencePieceType.Unused && piece.Piece.Length > 0)
            {
                Add(piece.Piece, id);
            }
        }

        unkScore = min - UnkPenalty;
        maxScore = max;
    }

    /// <summary>The best segmentation of <paramref name="normalized"/> as (start, length, id); unknown characters get the unk id.</summary>
    public List<(int Start, int Length, int Id)> Segment(string normalized)
    {
        int size = normalized.Length;
        var best = new BestPath[size + 1];
        for (int i = 0; i <= size; i++)
        {
            best[i].StartsAt = -1;
        }

        best[0].Score = 0;
        int startsAt = 0;
        while (startsAt < size)
        {
            float tillHere = best[startsAt].Score;
            int charLength = char.IsHighSurrogate(normalized[startsAt]) && startsAt + 1 < size ? 2 : 1;
            bool hasSingleNode = false;
            Node node = root;
            for (int end = startsAt; end < size && node.Children.TryGetValue(normalized[end], out Node? next); end++)
            {
                node = next;
                if (node.Id < 0 || model.Pieces[node.Id].Type == SentencePieceType.Unused)
                {
                    continue;
                }

                int length = end + 1 - startsAt;
                SentencePiece piece = model.Pieces[node.Id];
                double score = piece.Type == SentencePieceType.UserDefined
                    ? (float)Encoding.UTF8.GetByteCount(piece.Piece) * maxScore - 0.1
                    : piece.Score;
                double candidate = score + tillHere;
                ref BestPath target = ref best[end + 1];
                if (target.StartsAt == -1 || candidate > target.Score)
                {
                    target.Score = (float)candidate;
                    target.StartsAt = startsAt;
                    target.Id = node.Id;
                }

                hasSingleNode |= length == charLength;
            }

            if (!hasSingleNode)
            {
                float candidate = unkScore + tillHere;
                ref BestPath target = ref best[startsAt + charLength];
                if (target.StartsAt == -1 || candidate > target.Score)
                {
                    target.Score = candidate;
                    target.StartsAt = startsAt;
                    target.Id = model.UnkId;
                }
            }

            startsAt += charLength;
        }

        var result = new List<(int, int, int)>();
        for (int endsAt = size; endsAt > 0;)
        {
            BestPath node = best[endsAt];
            result.Add((node.StartsAt, endsAt - node.StartsAt, node.Id));
            endsAt = node.StartsAt;
        }

        result.Reverse();
        return result;
    }

    private void Add(string piece, int id)
    {
        Node node = root;
        foreach (char c in piece)
        {
            if (!node.Children.TryGetValue(c, out Node? next))
            {
                next = new Node();
                node.Children[c] = next;
            }

            node = next;
        }

        if (node.Id < 0)
        {
            node.Id = id;
        }
    }

    private struct BestPath
    {
        public float Score;
        public int StartsAt;
        public int Id;
    }

    private sealed class Node
    {
        public Dictionary<char, Node> Children { get; } = new();

        public int Id { get; set; } = -1;
    }
}
