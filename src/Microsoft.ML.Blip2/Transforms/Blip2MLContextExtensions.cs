using Microsoft.ML.Blip2.Transforms.Persistence;

namespace Microsoft.ML;

/// <summary>Registration of the BLIP-2 model loader in an <see cref="MLContext"/>.</summary>
public static class Blip2MLContextExtensions
{
    /// <summary>
    /// Lets <c>mlContext.Model.Load</c> load saved BLIP-2 transformers (alone or inside a pipeline). Call it once per
    /// <see cref="MLContext"/> before loading; further calls do nothing. Saving needs no registration.
    /// </summary>
    /// <param name="mlContext">The context that will load the model.</param>
    /// <returns><paramref name="mlContext"/>, for chaining.</returns>
    /// <exception cref="NotSupportedException">The loaded ML.NET is not the version this library's persistence supports (5.0.1).</exception>
    public static MLContext UseBlip2(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        Blip2ModelLoader.Register(mlContext.ComponentCatalog);
        return mlContext;
    }
}
