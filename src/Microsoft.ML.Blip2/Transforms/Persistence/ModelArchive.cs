using System.IO.Compression;
using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.IO;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>
/// A BLIP-2 transformer inside an ML.NET model zip: under the model's directory, <c>Blip2/manifest.json</c> and
/// <c>Blip2/files/*</c> (configs, tokenizer, preprocessor, weights), all stored uncompressed and streamed in and out
/// (weights never pass through memory as a whole). Loading treats every entry as untrusted.
/// </summary>
internal static class ModelArchive
{
    private const int CopyBufferBytes = 1 << 20;
    private const string DeltaFileName = "weights-delta.safetensors";

    /// <summary>Writes <paramref name="task"/> into the zip behind <paramref name="ctx"/>.</summary>
    public static void Save(ModelSaveContext ctx, Blip2Task task)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var source = task.Source;
        var options = task.Options;
        // Everything that can refuse the save is checked before the first byte is written.
        source.VerifyUnchanged();
        string? baseDirectory = options.WeightStorage == WeightStorage.DifferencesFromBase ? Path.GetFullPath(options.BaseModelDirectory!) : null;
        if (baseDirectory is not null)
            RequireSameConfig(source.Directory, baseDirectory);
        else if (source.Delta is not null)
            throw new InvalidOperationException("A transformer loaded with weights stored as differences can only be saved the same way.");

        MLNetInternals.WriteHeader(ctx, Blip2ModelLoader.LoaderSignature, LoadRegistrationGuard.ContractName);
        var (archive, directory) = MLNetInternals.ArchiveOf(ctx);
        string prefix = ArchiveEntryNames.Prefix(directory) + ArchiveEntryNames.FilesFolder;

        var files = source.SupportFiles.Select(f => CopyFile(archive, prefix, f, ArchiveFileRole.Support)).ToList();
        string? baseFingerprint = null;
        if (baseDirectory is null)
        {
            files.AddRange(source.WeightFiles.Select(f => CopyFile(archive, prefix, f, ArchiveFileRole.Weights)));
        }
        else
        {
            baseFingerprint = WeightFingerprint.Compute(baseDirectory);
            using var weights = EffectiveWeights.Open(source);
            using var baseCheckpoint = SafetensorsCheckpoint.Open(baseDirectory);
            files.Add(WriteEntry(archive, prefix, DeltaFileName, ArchiveFileRole.Delta, stream => WeightWriters.WriteDifferences(stream, weights, baseCheckpoint)));
        }

        var manifest = new ArchiveManifest
        {
            Task = task.Kind,
            Options = PersistedOptions.From(options),
            Files = files,
            BaseDirectory = baseDirectory,
            BaseFingerprint = baseFingerprint,
        };
        byte[] json = manifest.ToJson();
        var entry = archive.CreateEntry(ArchiveEntryNames.Prefix(directory) + ArchiveEntryNames.Manifest, CompressionLevel.NoCompression);
        using var manifestStream = entry.Open();
        manifestStream.Write(json);
    }

    /// <summary>Reads a transformer written by <see cref="Save"/> from an ML.NET <c>ModelLoadContext</c>.</summary>
    public static Blip2TransformerBase Load(object loadContext)
    {
        var (archive, directory, contract) = MLNetInternals.ReadHeader(loadContext);
        if (contract != LoadRegistrationGuard.ContractName)
            throw new InvalidDataException($"The model in '{directory}' is not a BLIP-2 transformer (contract '{contract}').");
        string prefix = ArchiveEntryNames.Prefix(directory);
        var entries = EntriesUnder(archive, prefix);
        var manifest = ReadManifest(entries, prefix);
        CheckNoUnexpectedEntries(entries, manifest, prefix);

        var extracted = ExtractedDirectory.Create();
        try
        {
            foreach (ArchiveFile file in manifest.Files)
                Extract(entries[ArchiveEntryNames.FilesFolder + file.Name], file, ArchiveEntryNames.PathInside(extracted.Path, file.Name), prefix);
            foreach (ArchiveFile file in manifest.Files.Where(f => f.Name.EndsWith(".safetensors", StringComparison.Ordinal)))
                SafetensorsFile.ReadHeader(Path.Combine(extracted.Path, file.Name)); // throws SafetensorsException naming the file

            DeltaWeights? delta = manifest.Options.WeightStorage == WeightStorage.DifferencesFromBase
                ? new DeltaWeights(manifest.BaseDirectory!, manifest.BaseFingerprint!, ModelFile.Snapshot(extracted.Path, DeltaFileName))
                : null;
            var source = ModelSource.Extracted(extracted.Path, delta, extracted);
            return Blip2Tasks.CreateTransformer(manifest.Options.ToOptions(manifest.Task), source);
        }
        catch
        {
            extracted.Dispose();
            throw;
        }
    }

    private static Dictionary<string, ZipArchiveEntry> EntriesUnder(ZipArchive archive, string prefix)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            string name = ArchiveEntryNames.Normalize(entry.FullName);
            if (name.StartsWith(prefix, StringComparison.Ordinal) && !entries.TryAdd(name[prefix.Length..], entry))
                throw new InvalidDataException($"The model zip has the entry '{name}' more than once.");
        }

        return entries;
    }

    private static ArchiveFile CopyFile(ZipArchive archive, string prefix, ModelFile file, ArchiveFileRole role)
    {
        ArchiveEntryNames.RequireSafeFileName(file.Name, $"Model file '{file.Path}'");
        return WriteEntry(archive, prefix, file.Name, role, destination =>
        {
            using var input = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            input.CopyTo(destination, CopyBufferBytes);
        });
    }

    private static ArchiveFile WriteEntry(ZipArchive archive, string prefix, string name, ArchiveFileRole role, Action<Stream> write)
    {
        // NoCompression makes a stored entry: written straight into the zip, readable without inflating.
        var entry = archive.CreateEntry(prefix + name, CompressionLevel.NoCompression);
        using var entryStream = entry.Open();
        using var hashing = new HashingWriteStream(entryStream);
        write(hashing);
        return new ArchiveFile(name, hashing.BytesWritten, hashing.Sha256(), role);
    }

    private static void RequireSameConfig(string directory, string baseDirectory)
    {
        if (!Blip2Config.FromDirectory(directory).Equals(Blip2Config.FromDirectory(baseDirectory)))
        {
            throw new InvalidOperationException(
                $"WeightStorage.DifferencesFromBase needs a base checkpoint of the same architecture, but '{baseDirectory}' has a different config.json than '{directory}'.");
        }
    }

    private static ArchiveManifest ReadManifest(Dictionary<string, ZipArchiveEntry> entries, string prefix)
    {
        string name = prefix + ArchiveEntryNames.Manifest;
        if (!entries.TryGetValue(ArchiveEntryNames.Manifest, out var entry))
            throw new InvalidDataException($"The model zip has no '{name}' entry.");
        if (entry.Length > ArchiveManifest.MaxBytes)
            throw new InvalidDataException($"Model entry '{name}' is {entry.Length} bytes, more than the {ArchiveManifest.MaxBytes} a manifest may have.");
        using var buffer = new MemoryStream();
        using (var stream = entry.Open())
            CopyLimited(stream, buffer, entry.Length, name);
        return ArchiveManifest.Parse(buffer.ToArray(), name);
    }

    private static void CheckNoUnexpectedEntries(Dictionary<string, ZipArchiveEntry> entries, ArchiveManifest manifest, string prefix)
    {
        var expected = manifest.Files.Select(f => ArchiveEntryNames.FilesFolder + f.Name).Append(ArchiveEntryNames.Manifest).ToHashSet(StringComparer.Ordinal);
        foreach (string relative in entries.Keys)
        {
            if (!expected.Contains(relative))
                throw new InvalidDataException($"The model zip has an unexpected entry '{prefix}{relative}' (not listed in the manifest).");
        }

        foreach (string name in expected)
        {
            if (!entries.ContainsKey(name))
                throw new InvalidDataException($"The model zip lacks the entry '{prefix}{name}' listed in its manifest.");
        }
    }

    private static void Extract(ZipArchiveEntry entry, ArchiveFile file, string target, string prefix)
    {
        string name = prefix + ArchiveEntryNames.FilesFolder + file.Name;
        if (entry.Length != file.Size)
            throw new InvalidDataException($"Model entry '{name}' is {entry.Length} bytes; the manifest says {file.Size}.");
        string actual;
        using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
        using (var hashing = new HashingWriteStream(output))
        using (var input = entry.Open())
        {
            CopyLimited(input, hashing, file.Size, name);
            actual = hashing.Sha256();
        }

        if (actual != file.Sha256)
            throw new InvalidDataException($"Model entry '{name}' is corrupt: SHA-256 {actual}, the manifest says {file.Sha256}.");
    }

    /// <summary>Copies exactly <paramref name="length"/> bytes, failing on more or fewer (the zip's sizes are not trusted).</summary>
    private static void CopyLimited(Stream input, Stream output, long length, string name)
    {
        var buffer = new byte[(int)Math.Min(CopyBufferBytes, Math.Max(length, 1))];
        long remaining = length;
        int read;
        while ((read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, Math.Max(remaining, 1)))) > 0)
        {
            remaining -= read;
            if (remaining < 0)
                throw new InvalidDataException($"Model entry '{name}' holds more than the {length} bytes it declares.");
            output.Write(buffer, 0, read);
        }

        if (remaining != 0)
            throw new InvalidDataException($"Model entry '{name}' ended after {length - remaining} of {length} bytes.");
    }
}
