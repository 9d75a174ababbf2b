using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>
/// The only place that touches ML.NET internals (by reflection), pinned to ML.NET 5.0.1: model-header version info and
/// strings, the zip archive behind <see cref="ModelSaveContext"/> and the internal <c>ModelLoadContext</c>,
/// registering a loader in a <see cref="ComponentCatalog"/>, and the environment of a <see cref="TransformsCatalog"/>.
/// Every other file uses public API only.
/// </summary>
/// <remarks>
/// The header imitates ML.NET's own custom-mapping transformer (<c>LambdaTransform</c>, model signature
/// <c>CUSTOMXF</c>) and names it as the alternative loader: when <c>UseBlip2()</c> was not called, ML.NET falls back to
/// it, which loads this assembly's <see cref="LoadRegistrationGuard"/> by contract name and fails with a message that
/// says what to call.
/// </remarks>
internal static class MLNetInternals
{
    /// <summary>The ML.NET version whose internals this file was written against.</summary>
    public const string SupportedVersion = "5.0.1";

    private const BindingFlags AnyMember = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    // ML.NET's LambdaTransform header: model signature and versions (see LambdaTransform.GetVersionInfo in ML.NET 5.0.1).
    private const string CustomMappingModelSignature = "CUSTOMXF";
    private const uint CustomMappingVersionWritten = 0x00010002;
    private const uint CustomMappingVersionWeCanReadBack = 0x00010001;
    private const string CustomMappingLoaderSignature = "CustomTransformer";

    private static readonly Assembly CoreAssembly = typeof(ModelSaveContext).Assembly;
    private static readonly Lazy<string> InstalledVersion = new(() =>
        typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    /// <summary>Throws <see cref="NotSupportedException"/> unless ML.NET 5.0.1 is the loaded version.</summary>
    public static void EnsureSupportedVersion()
    {
        string version = InstalledVersion.Value;
        if (version != SupportedVersion && !version.StartsWith(SupportedVersion + "+", StringComparison.Ordinal))
        {
            throw new NotSupportedException(
                $"Saving and loading BLIP-2 transformers uses ML.NET {SupportedVersion} internals, but ML.NET {version} is loaded. " +
                $"Reference Microsoft.ML {SupportedVersion}, or update Microsoft.ML.Blip2 for this ML.NET version.");
        }
    }

    /// <summary>
    /// Writes the model header of <paramref name="ctx"/> (our loader first, ML.NET's custom-mapping loader as the
    /// fallback) and the two strings that fallback reads: the guard's contract name and this assembly's name.
    /// </summary>
    public static void WriteHeader(ModelSaveContext ctx, string loaderSignature, string contractName)
    {
        EnsureSupportedVersion();
        var versionInfoType = CoreType("Microsoft.ML.VersionInfo");
        object versionInfo = Create(versionInfoType,
            CustomMappingModelSignature, CustomMappingVersionWritten, CustomMappingVersionWritten, CustomMappingVersionWeCanReadBack,
            typeof(CustomMappingFactory<,>).Assembly.FullName, loaderSignature, CustomMappingLoaderSignature);
        Method(typeof(ModelSaveContext), "SetVersionInfo", versionInfoType).Invoke(ctx, [versionInfo]);
        var saveString = Method(typeof(ModelSaveContext), "SaveString", typeof(string));
        saveString.Invoke(ctx, [contractName]);
        saveString.Invoke(ctx, [typeof(MLNetInternals).Assembly.FullName]);
    }

    /// <summary>The zip archive being written and the entry directory of this model (ML.NET's separators).</summary>
    public static (ZipArchive Archive, string Directory) ArchiveOf(ModelSaveContext ctx)
    {
        EnsureSupportedVersion();
        object repository = FieldValue(typeof(ModelSaveContext), ctx, "Repository")
            ?? throw new InvalidOperationException("BLIP-2 transformers can only be saved into a model zip (ModelSaveContext has no repository).");
        var archive = (ZipArchive)FieldValue(repository.GetType(), repository, "_archive")!;
        return (archive, (string?)FieldValue(typeof(ModelSaveContext), ctx, "Directory") ?? string.Empty);
    }

    /// <summary>
    /// Reads what <see cref="WriteHeader"/> wrote from an ML.NET <c>ModelLoadContext</c> and returns the archive being read,
    /// the entry directory of this model and the contract name.
    /// </summary>
    public static (ZipArchive Archive, string Directory, string ContractName) ReadHeader(object loadContext)
    {
        EnsureSupportedVersion();
        Type type = loadContext.GetType();
        var reader = (BinaryReader)FieldValue(type, loadContext, "Reader")!;
        var strings = (string[]?)FieldValue(type, loadContext, "Strings") ?? [];
        string contractName = ReadString(reader, strings);
        _ = ReadString(reader, strings); // the assembly name the fallback loader would register
        object repository = FieldValue(type, loadContext, "Repository")
            ?? throw new InvalidDataException("A BLIP-2 transformer can only be loaded from a model zip.");
        var archive = (ZipArchive)FieldValue(repository.GetType(), repository, "_archive")!;
        return (archive, (string?)FieldValue(type, loadContext, "Directory") ?? string.Empty, contractName);
    }

    /// <summary>
    /// Registers <paramref name="create"/> (<c>static ITransformer Create(IHostEnvironment, object ctx)</c>) as the
    /// <c>SignatureLoadModel</c> loader named <paramref name="loaderSignature"/>.
    /// </summary>
    public static void RegisterLoader(ComponentCatalog catalog, string loaderSignature, MethodInfo create, string userName)
    {
        EnsureSupportedVersion();
        Type attributeType = CoreType("Microsoft.ML.LoadableClassAttribute");
        Type signatureType = CoreType("Microsoft.ML.SignatureLoadModel");
        object attribute = Create(attributeType, typeof(ITransformer), create.DeclaringType!, null, signatureType, userName, new[] { loaderSignature });
        Type infoType = typeof(ComponentCatalog).GetNestedType("LoadableClassInfo", AnyMember) ?? throw Missing("ComponentCatalog.LoadableClassInfo");
        object info = Create(infoType, attribute, null, null, create, true);
        MethodInfo addClass = typeof(ComponentCatalog).GetMethod("AddClass", AnyMember) ?? throw Missing("ComponentCatalog.AddClass");
        object sync = FieldValue(typeof(ComponentCatalog), catalog, "_lock")!;
        lock (sync)
        {
            addClass.Invoke(catalog, [info, new[] { loaderSignature }, true]);
        }
    }

    /// <summary>
    /// The <see cref="IHostEnvironment"/> behind a <see cref="TransformsCatalog"/> (the <see cref="MLContext"/> it belongs
    /// to), which ML.NET keeps in the internal <c>IInternalCatalog.Environment</c>.
    /// </summary>
    public static IHostEnvironment EnvironmentOf(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var property = typeof(TransformsCatalog).GetInterfaces()
            .Where(i => i.FullName == "Microsoft.ML.Data.IInternalCatalog")
            .Select(i => i.GetProperty("Environment", AnyMember))
            .FirstOrDefault() ?? throw Missing("IInternalCatalog.Environment");
        return property.GetValue(catalog) as IHostEnvironment ?? throw Missing("TransformsCatalog environment");
    }

    private static string ReadString(BinaryReader reader, string[] strings)
    {
        int id = reader.ReadInt32();
        return id >= 0 && id < strings.Length ? strings[id] : throw new InvalidDataException($"Corrupt BLIP-2 model header: string id {id} out of range.");
    }

    private static Type CoreType(string name) => CoreAssembly.GetType(name) ?? throw Missing(name);

    private static object Create(Type type, params object?[] arguments) =>
        Activator.CreateInstance(type, AnyMember, binder: null, arguments, culture: null) ?? throw Missing(type.FullName + " constructor");

    private static MethodInfo Method(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, AnyMember, binder: null, parameters, modifiers: null) ?? throw Missing($"{type.Name}.{name}");

    private static object? FieldValue(Type type, object instance, string name) =>
        (type.GetField(name, AnyMember) ?? throw Missing($"{type.Name}.{name}")).GetValue(instance);

    private static NotSupportedException Missing(string member) =>
        new($"ML.NET internal '{member}' was not found: Microsoft.ML.Blip2 is written against the internals of ML.NET {SupportedVersion} (loaded: {InstalledVersion.Value}).");
}
