using Microsoft.ML.Transforms;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>
/// What ML.NET reaches when a saved BLIP-2 transformer is loaded without <c>mlContext.UseBlip2()</c>: its fallback
/// loader (the custom-mapping one named in the model header) finds this factory by contract name and calls
/// <see cref="GetMapping"/>, which explains what to do.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class LoadRegistrationGuard : CustomMappingFactory<LoadRegistrationGuard.NoColumns, LoadRegistrationGuard.NoColumns>
{
    /// <summary>Contract name written into every saved BLIP-2 model (self-explanatory in ML.NET's own error, too).</summary>
    public const string ContractName = "Microsoft.ML.Blip2 transformer (call mlContext.UseBlip2() before mlContext.Model.Load)";

    /// <summary>The message of the exception thrown when the loader was not registered.</summary>
    public const string Message =
        "This model contains a Microsoft.ML.Blip2 transformer, whose loader is not registered in this MLContext. " +
        "Call mlContext.UseBlip2() (namespace Microsoft.ML, once per MLContext) before mlContext.Model.Load.";

    /// <inheritdoc />
    public override Action<NoColumns, NoColumns> GetMapping() => throw new InvalidOperationException(Message);

    /// <summary>Row type without columns (the factory is never used for mapping).</summary>
    public sealed class NoColumns
    {
    }
}
