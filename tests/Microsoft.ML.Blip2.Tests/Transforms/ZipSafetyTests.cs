using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.ML.Blip2.IO;

namespace Microsoft.ML.Blip2.Tests.Transforms;

/// <summary>Zip entries are untrusted input on load: names, sizes, hashes and safetensors headers are all checked.</summary>
[TestClass]
public sealed class ZipSafetyTests
{
    private static readonly Lazy<string> SavedModel = new(Save);

    [TestMethod]
    [DataRow("files/../../../evil.txt")]
    [DataRow("files/..\\..\\evil.txt")]
    [DataRow("files//tmp/evil.txt")]
    [DataRow("extra.txt")]
    public void UnlistedOrTraversingEntry_IsRejected_NamingIt(string relativeName)
    {
        string zip = Tampered("entry", archive => AddEntry(archive, Prefix(archive) + relativeName, "evil"u8.ToArray()));

        var error = ExceptionChain.Find<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(error.Message, relativeName.Replace('\\', '/'));
        AssertNoEvilFile();
    }

    [TestMethod]
    [DataRow("../evil.txt")]
    [DataRow("/tmp/evil.txt")]
    [DataRow("..\\evil.txt")]
    [DataRow("sub/evil.txt")]
    [DataRow("C:evil.txt")]
    public void ManifestNamingAFileOutsideTheFolder_IsRejected(string name)
    {
        byte[] content = "evil"u8.ToArray();
        string zip = Tampered("manifest-name", archive =>
        {
            string prefix = Prefix(archive);
            AddEntry(archive, prefix + "files/" + name, content);
            EditManifest(archive, files => files.Add(new JsonObject
            {
                ["name"] = name, ["size"] = content.Length, ["sha256"] = Sha256(content), ["role"] = "Support",
            }));
        });

        var error = ExceptionChain.Find<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(error.Message, name);
        AssertNoEvilFile();
    }

    [TestMethod]
    public void ModifiedWeights_FailTheHashCheck()
    {
        string zip = Tampered("flipped", archive =>
        {
            var entry = WeightsEntry(archive);
            byte[] bytes = Read(entry);
            bytes[^1] ^= 0x40;
            Replace(archive, entry, bytes);
        });

        var error = ExceptionChain.Find<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(error.Message, "model.safetensors");
        StringAssert.Contains(error.Message, "SHA-256");
    }

    [TestMethod]
    public void WeightsWithABadHeader_AreRejectedEvenWithAMatchingManifest()
    {
        byte[] garbage = new byte[64];
        garbage[0] = 200; // header length 200 > file length
        string zip = Tampered("bad-header", archive =>
        {
            Replace(archive, WeightsEntry(archive), garbage);
            EditManifest(archive, files =>
            {
                var weights = files.Single(f => (string)f!["name"]! == "model.safetensors")!;
                weights["size"] = garbage.Length;
                weights["sha256"] = Sha256(garbage);
            });
        });

        var error = ExceptionChain.Find<SafetensorsException>(() => Load(zip));
        StringAssert.Contains(error.Message, "model.safetensors");
    }

    [TestMethod]
    public void SizeDifferentFromTheManifest_IsRejected()
    {
        string zip = Tampered("size", archive => EditManifest(archive, files =>
            files.Single(f => (string)f!["name"]! == "config.json")!["size"] = 3));

        var error = ExceptionChain.Find<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(error.Message, "config.json");
    }

    [TestMethod]
    public void MissingManifest_IsRejected()
    {
        string zip = Tampered("no-manifest", archive => archive.Entries.Single(e => e.FullName.EndsWith("/Blip2/manifest.json", StringComparison.Ordinal)).Delete());

        var error = ExceptionChain.Find<InvalidDataException>(() => Load(zip));
        StringAssert.Contains(error.Message, "manifest.json");
    }

    private static string Save()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new ImagePathRow { ImagePath = Blip2TestModels.Images[0] } });
        using var transformer = ml.Transforms.Blip2Caption("Output", nameof(ImagePathRow.ImagePath), Blip2TestModels.Opt).Fit(data);
        string zip = Path.Combine(Blip2TestModels.NewFolder("safety"), "model.zip");
        ml.Model.Save(transformer, data.Schema, zip);
        return zip;
    }

    private static void Load(string zip)
    {
        var loaded = new MLContext().UseBlip2().Model.Load(zip, out _);
        ((IDisposable)loaded).Dispose();
    }

    private static string Tampered(string name, Action<ZipArchive> tamper)
    {
        string copy = Path.Combine(Blip2TestModels.NewFolder("tampered-" + name), "model.zip");
        File.Copy(SavedModel.Value, copy);
        using (var archive = ZipFile.Open(copy, ZipArchiveMode.Update))
            tamper(archive);
        return copy;
    }

    private static string Prefix(ZipArchive archive)
    {
        string manifest = archive.Entries.Single(e => e.FullName.EndsWith("/Blip2/manifest.json", StringComparison.Ordinal)).FullName;
        return manifest[..^"manifest.json".Length];
    }

    private static ZipArchiveEntry WeightsEntry(ZipArchive archive) =>
        archive.Entries.Single(e => e.FullName.EndsWith("/files/model.safetensors", StringComparison.Ordinal));

    private static void EditManifest(ZipArchive archive, Action<JsonArray> edit)
    {
        var entry = archive.Entries.Single(e => e.FullName.EndsWith("/Blip2/manifest.json", StringComparison.Ordinal));
        var manifest = JsonNode.Parse(Read(entry))!.AsObject();
        edit(manifest["files"]!.AsArray());
        Replace(archive, entry, System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    private static void Replace(ZipArchive archive, ZipArchiveEntry entry, byte[] content)
    {
        string name = entry.FullName;
        entry.Delete();
        AddEntry(archive, name, content);
    }

    private static void AddEntry(ZipArchive archive, string name, byte[] content)
    {
        using var stream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
        stream.Write(content);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static void AssertNoEvilFile()
    {
        string temp = Path.GetTempPath();
        Assert.IsFalse(File.Exists(Path.Combine(temp, "evil.txt")), "Nothing may be written outside the extraction folder.");
        Assert.IsFalse(File.Exists(Path.Combine(Path.GetDirectoryName(temp.TrimEnd(Path.DirectorySeparatorChar))!, "evil.txt")));
        Assert.IsFalse(File.Exists("/tmp/evil.txt"));
        Assert.IsFalse(Directory.EnumerateFiles(temp, "evil.txt", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2, IgnoreInaccessible = true }).Any());
    }
}
