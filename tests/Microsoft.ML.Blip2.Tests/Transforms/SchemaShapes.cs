namespace Microsoft.ML.Blip2.Tests.Transforms;

/// <summary>
/// Schema shapes of row classes, as an estimator receives them. <c>SchemaShape.Create</c> is internal to ML.NET, so a
/// custom-mapping estimator with no inputs produces the shape.
/// </summary>
internal static class SchemaShapes
{
    public static SchemaShape Of<TRow>(MLContext ml)
        where TRow : class, new() =>
        ml.Transforms.CustomMapping<NoColumns, TRow>((_, _) => { }, contractName: null).GetOutputSchema(new SchemaShape([]));

    public sealed class NoColumns
    {
    }
}
