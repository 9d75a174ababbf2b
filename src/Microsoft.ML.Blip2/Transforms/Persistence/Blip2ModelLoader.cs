using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>The loader ML.NET calls for a saved BLIP-2 transformer, and its registration (<c>mlContext.UseBlip2()</c>).</summary>
internal static class Blip2ModelLoader
{
    /// <summary>Loader signature in the model header (at most 24 characters).</summary>
    public const string LoaderSignature = "Blip2Transformer";

    private static readonly ConditionalWeakTable<ComponentCatalog, object> Registered = new();
    private static readonly object Sync = new();

    /// <summary>Registers the loader in <paramref name="catalog"/> once.</summary>
    public static void Register(ComponentCatalog catalog)
    {
        lock (Sync)
        {
            if (Registered.TryGetValue(catalog, out _))
                return;
            var create = typeof(Blip2ModelLoader).GetMethod(nameof(Create), BindingFlags.Static | BindingFlags.NonPublic)!;
            MLNetInternals.RegisterLoader(catalog, LoaderSignature, create, "BLIP-2 transformer");
            Registered.Add(catalog, Sync);
        }
    }

    // Called by ML.NET (SignatureLoadModel) with its ModelLoadContext, which is internal, hence `object`.
    private static ITransformer Create(IHostEnvironment env, object loadContext) => ModelArchive.Load(loadContext);
}
