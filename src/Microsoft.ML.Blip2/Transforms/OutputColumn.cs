using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>One column a BLIP-2 transformer adds.</summary>
internal sealed record OutputColumn(string Name, OutputValue Value)
{
    /// <summary>The ML.NET type of the column.</summary>
    public DataViewType Type => Value switch
    {
        OutputValue.Text => TextDataViewType.Instance,
        OutputValue.MatchScore or OutputValue.SequenceScore => NumberDataViewType.Single,
        OutputValue.Status => BooleanDataViewType.Instance,
        OutputValue.TokenIds => new VectorDataViewType(NumberDataViewType.Int64),
        _ => throw new ArgumentOutOfRangeException(nameof(Value), Value, "Unknown output value."),
    };
}
