using System.Text;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>Kind of a SentencePiece piece (<c>ModelProto.SentencePiece.Type</c>).</summary>
internal enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>One vocabulary entry of a SentencePiece model.</summary>
internal readonly record struct SentencePiece(string Piece, float Score, SentencePieceType Type);

/// <summary>
/// The parts of a SentencePiece <c>ModelProto</c> (<c>spiece.model</c>) this project needs: pieces with scores and
/// types, trainer special ids and normalizer flags, plus in-memory rewriting of <c>bos_id</c> and <c>add_dummy_prefix</c>.
/// </summary>
internal sealed class SentencePieceModelProto
{
    // Field numbers from sentencepiece_model.proto.
    private const int PiecesField = 1, TrainerSpecField = 2, NormalizerSpecField = 3;
    private const int PieceTextField = 1, PieceScoreField = 2, PieceTypeField = 3;
    private const int ModelTypeField = 3, UnkIdField = 40, BosIdField = 41, EosIdField = 42, PadIdField = 43, UnkSurfaceField = 44;
    private const int AddDummyPrefixField = 3, RemoveExtraWhitespacesField = 4;

    private readonly byte[] bytes;
    private readonly string source;

    private SentencePieceModelProto(byte[] bytes, string source)
    {
        this.bytes = bytes;
        this.source = source;
        var pieces = new List<SentencePiece>();
        foreach (ProtobufWire.Field field in ProtobufWire.Fields(bytes, 0, bytes.Length, source))
        {
            switch (field.Number)
            {
                case PiecesField when field.WireType == ProtobufWire.LengthDelimited:
                    pieces.Add(ReadPiece(field));
                    break;
                case TrainerSpecField when field.WireType == ProtobufWire.LengthDelimited:
                    ReadTrainerSpec(field);
                    break;
                case NormalizerSpecField when field.WireType == ProtobufWire.LengthDelimited:
                    ReadNormalizerSpec(field);
                    break;
            }
        }

        if (pieces.Count == 0)
        {
            throw new InvalidDataException($"{source} contains no sentencepiece pieces; is it a SentencePiece model?");
        }

        Pieces = pieces;
        if (UnkId < 0 || UnkId >= pieces.Count)
        {
            throw new InvalidDataException($"{source}: unk_id {UnkId} is outside the {pieces.Count} pieces.");
        }
    }

    public IReadOnlyList<SentencePiece> Pieces { get; }

    /// <summary>Where the model was read from (for messages).</summary>
    public string Source => source;

    /// <summary>1 = unigram, 2 = BPE, 3 = word, 4 = char.</summary>
    public int ModelType { get; private set; } = 1;

    public int UnkId { get; private set; }

    public int BosId { get; private set; } = 1;

    public int EosId { get; private set; } = 2;

    public int PadId { get; private set; } = -1;

    /// <summary>What decoding prints for the unknown piece (default " ⁇ ").</summary>
    public string UnkSurface { get; private set; } = " \u2047 ";

    public bool AddDummyPrefix { get; private set; } = true;

    public bool RemoveExtraWhitespaces { get; private set; } = true;

    public static SentencePieceModelProto Load(string path) => new(File.ReadAllBytes(path), path);

    public static SentencePieceModelProto Parse(byte[] bytes, string source) => new(bytes, source);

    /// <summary>
    /// A copy of the serialized model with <c>trainer_spec.bos_id</c> and optionally <c>normalizer_spec.add_dummy_prefix</c>
    /// replaced (every occurrence; appended when absent). Other bytes are kept as they are.
    /// </summary>
    public byte[] Rewrite(int bosId, bool? addDummyPrefix)
    {
        var output = new List<byte>(bytes.Length + 16);
        foreach (ProtobufWire.Field field in ProtobufWire.Fields(bytes, 0, bytes.Length, source))
        {
            Dictionary<int, ulong>? overrides = field.Number switch
            {
                TrainerSpecField => new() { [BosIdField] = ProtobufWire.Int32ToVarint(bosId) },
                NormalizerSpecField when addDummyPrefix is bool flag => new() { [AddDummyPrefixField] = flag ? 1UL : 0UL },
                _ => null,
            };
            if (overrides is null || field.WireType != ProtobufWire.LengthDelimited)
            {
                output.AddRange(bytes.AsSpan(field.Start, field.End - field.Start).ToArray());
                continue;
            }

            byte[] message = RewriteVarints(field.PayloadStart, field.PayloadStart + field.PayloadLength, overrides);
            ProtobufWire.WriteKey(output, field.Number, ProtobufWire.LengthDelimited);
            ProtobufWire.WriteVarint(output, (ulong)message.Length);
            output.AddRange(message);
        }

        return output.ToArray();
    }

    private byte[] RewriteVarints(int start, int end, Dictionary<int, ulong> overrides)
    {
        var output = new List<byte>(end - start + 16);
        var written = new HashSet<int>();
        foreach (ProtobufWire.Field field in ProtobufWire.Fields(bytes, start, end, source))
        {
            if (field.WireType == ProtobufWire.Varint && overrides.TryGetValue(field.Number, out ulong value))
            {
                ProtobufWire.WriteKey(output, field.Number, ProtobufWire.Varint);
                ProtobufWire.WriteVarint(output, value);
                written.Add(field.Number);
            }
            else
            {
                output.AddRange(bytes.AsSpan(field.Start, field.End - field.Start).ToArray());
            }
        }

        foreach ((int number, ulong value) in overrides.Where(o => !written.Contains(o.Key)))
        {
            ProtobufWire.WriteKey(output, number, ProtobufWire.Varint);
            ProtobufWire.WriteVarint(output, value);
        }

        return output.ToArray();
    }

    private SentencePiece ReadPiece(ProtobufWire.Field message)
    {
        string text = string.Empty;
        float score = 0;
        var type = SentencePieceType.Normal;
        foreach (ProtobufWire.Field f in ProtobufWire.Fields(bytes, message.PayloadStart, message.PayloadStart + message.PayloadLength, source))
        {
            switch (f.Number)
            {
                case PieceTextField when f.WireType == ProtobufWire.LengthDelimited:
                    text = Encoding.UTF8.GetString(bytes, f.PayloadStart, f.PayloadLength);
                    break;
                case PieceScoreField when f.WireType == ProtobufWire.Fixed32:
                    score = BitConverter.UInt32BitsToSingle((uint)f.Value);
                    break;
                case PieceTypeField when f.WireType == ProtobufWire.Varint:
                    type = (SentencePieceType)(int)f.Value;
                    break;
            }
        }

        return new SentencePiece(text, score, type);
    }

    private void ReadTrainerSpec(ProtobufWire.Field message)
    {
        foreach (ProtobufWire.Field f in ProtobufWire.Fields(bytes, message.PayloadStart, message.PayloadStart + message.PayloadLength, source))
        {
            switch (f.Number)
            {
                case ModelTypeField when f.WireType == ProtobufWire.Varint: ModelType = (int)f.Value; break;
                case UnkIdField when f.WireType == ProtobufWire.Varint: UnkId = unchecked((int)f.Value); break;
                case BosIdField when f.WireType == ProtobufWire.Varint: BosId = unchecked((int)f.Value); break;
                case EosIdField when f.WireType == ProtobufWire.Varint: EosId = unchecked((int)f.Value); break;
                case PadIdField when f.WireType == ProtobufWire.Varint: PadId = unchecked((int)f.Value); break;
                case UnkSurfaceField when f.WireType == ProtobufWire.LengthDelimited:
                    UnkSurface = Encoding.UTF8.GetString(bytes, f.PayloadStart, f.PayloadLength);
                    break;
            }
        }
    }

    private void ReadNormalizerSpec(ProtobufWire.Field message)
    {
        foreach (ProtobufWire.Field f in ProtobufWire.Fields(bytes, message.PayloadStart, message.PayloadStart + message.PayloadLength, source))
        {
            switch (f.Number)
            {
                case AddDummyPrefixField when f.WireType == ProtobufWire.Varint: AddDummyPrefix = f.Value != 0; break;
                case RemoveExtraWhitespacesField when f.WireType == ProtobufWire.Varint: RemoveExtraWhitespaces = f.Value != 0; break;
            }
        }
    }
}
