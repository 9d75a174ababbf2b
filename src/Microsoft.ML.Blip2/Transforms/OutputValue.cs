using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms;

/// <summary>Which value of a <see cref="RowResult"/> an output column shows.</summary>
internal enum OutputValue
{
    /// <summary>Generated text (<see cref="TextDataViewType"/>).</summary>
    Text,

    /// <summary>ITM probability or ITC cosine (<c>float</c>).</summary>
    MatchScore,

    /// <summary>Sequence score of the generated text (<c>float</c>).</summary>
    SequenceScore,

    /// <summary>Whether the row's image was read and the model ran (<c>bool</c>).</summary>
    Status,

    /// <summary>Generated token ids (variable-length <c>long</c> vector).</summary>
    TokenIds,
}
