using System.Text;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// Python <c>sentencepiece</c>'s <c>decode(pieces)</c>: control pieces vanish, the unknown piece prints as the unk
/// surface (" ⁇ "), strings that are not pieces are copied unchanged, and '▁' becomes a space except for the leading
/// '▁'s of the text, which are dropped while nothing visible has been produced yet.
/// </summary>
internal sealed class SentencePieceDecoder
{
    private const char Underline = '\u2581';

    private readonly SentencePieceModelProto model;
    private readonly IReadOnlyDictionary<string, int> pieceIds;
    private readonly bool addDummyPrefix;

    /// <param name="model">Parsed model.</param>
    /// <param name="pieceIds">Piece to id.</param>
    /// <param name="addDummyPrefix">The effective <c>add_dummy_prefix</c> (after any override).</param>
    public SentencePieceDecoder(SentencePieceModelProto model, IReadOnlyDictionary<string, int> pieceIds, bool addDummyPrefix)
    {
        this.model = model;
        this.pieceIds = pieceIds;
        this.addDummyPrefix = addDummyPrefix;
    }

    public string DecodePieces(IReadOnlyList<string> pieces)
    {
        var text = new StringBuilder();
        bool atStart = true;
        foreach (string piece in pieces)
        {
            (string surface, bool consumedPrefix) = Surface(piece, atStart);
            text.Append(surface);
            if (atStart && (surface.Length > 0 || consumedPrefix))
            {
                atStart = false;
            }
        }

        return text.ToString();
    }

    private (string Surface, bool ConsumedPrefix) Surface(string piece, bool atStart)
    {
        int id = pieceIds.TryGetValue(piece, out int known) ? known : model.UnkId;
        SentencePieceType type = model.Pieces[id].Type;
        if (type == SentencePieceType.Control)
        {
            return (string.Empty, false);
        }

        if (id == model.UnkId)
        {
            return (piece == model.Pieces[id].Piece ? model.UnkSurface : piece, false);
        }

        bool consumed = false;
        if (atStart && (addDummyPrefix || model.RemoveExtraWhitespaces) && piece.Length > 0 && piece[0] == Underline)
        {
            piece = piece[1..];
            // With remove_extra_whitespaces every leading space goes, so the start state lasts until visible text.
            consumed = !model.RemoveExtraWhitespaces;
        }

        return (piece.Replace(Underline, ' '), consumed);
    }
}
