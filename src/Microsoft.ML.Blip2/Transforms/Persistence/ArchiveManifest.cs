using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>
/// <c>manifest.json</c> of a saved BLIP-2 transformer: the task, its options, every stored file (size and SHA-256) and,
/// for delta weights, the base checkpoint's path and fingerprint.
/// </summary>
internal sealed record ArchiveManifest
{
    /// <summary>Value of <see cref="Format"/>.</summary>
    public const string FormatName = "Microsoft.ML.Blip2.Transformer";

    /// <summary>The only format version written and read.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Largest manifest accepted on load.</summary>
    public const int MaxBytes = 1 << 20;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = CurrentVersion;

    public required Blip2TaskKind Task { get; init; }

    public required PersistedOptions Options { get; init; }

    public required IReadOnlyList<ArchiveFile> Files { get; init; }

    public string? BaseDirectory { get; init; }

    public string? BaseFingerprint { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses and checks a manifest; anything unexpected throws <see cref="InvalidDataException"/>.</summary>
    public static ArchiveManifest Parse(byte[] json, string entryName)
    {
        ArchiveManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ArchiveManifest>(json, Json)
                ?? throw new InvalidDataException($"Model entry '{entryName}' is JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model entry '{entryName}' is not a valid BLIP-2 manifest: {e.Message}", e);
        }

        if (manifest.Format != FormatName || manifest.Version != CurrentVersion)
            throw new InvalidDataException($"Model entry '{entryName}' has format '{manifest.Format}' version {manifest.Version}; this library reads '{FormatName}' version {CurrentVersion}.");
        manifest.CheckFiles(entryName);
        return manifest;
    }

    private void CheckFiles(string entryName)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (ArchiveFile file in Files)
        {
            ArchiveEntryNames.RequireSafeFileName(file.Name, entryName);
            if (!names.Add(file.Name))
                throw new InvalidDataException($"Model entry '{entryName}' lists the file '{file.Name}' twice.");
            if (file.Size < 0 || file.Sha256.Length != 64 || !file.Sha256.All(char.IsAsciiHexDigitLower))
                throw new InvalidDataException($"Model entry '{entryName}' has an invalid size or SHA-256 for '{file.Name}'.");
        }

        bool delta = Options.WeightStorage == WeightStorage.DifferencesFromBase;
        int deltaFiles = Files.Count(f => f.Role == ArchiveFileRole.Delta);
        int weightFiles = Files.Count(f => f.Role == ArchiveFileRole.Weights);
        if (delta ? deltaFiles != 1 || weightFiles != 0 || BaseDirectory is null || BaseFingerprint is null : deltaFiles != 0 || weightFiles == 0)
            throw new InvalidDataException($"Model entry '{entryName}': the stored weight files do not match weight storage {Options.WeightStorage}.");
    }
}
