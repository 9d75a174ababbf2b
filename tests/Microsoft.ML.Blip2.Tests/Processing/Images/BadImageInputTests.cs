using Microsoft.ML.Blip2.Processing;

namespace Microsoft.ML.Blip2.Tests.Processing.Images;

/// <summary>Undecodable inputs fail loudly with an exception that names the input.</summary>
[TestClass]
public sealed class BadImageInputTests
{
    private static string GoldenJpeg => Path.Combine(ImageTestData.ProcessorCase, "image0.jpg");

    private static string GoldenPng => Path.Combine(ImageTestData.ProcessorCase, "image1_rgba.png");

    private static readonly Blip2ImageProcessor Processor = new(new ImageProcessorOptions { Height = 32, Width = 32 });

    private readonly List<string> _temporaryDirectories = [];

    [TestCleanup]
    public void DeleteTemporaryFiles()
    {
        foreach (string directory in _temporaryDirectories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void EmptyByteArrayIsNamedByItsBatchIndex()
    {
        byte[] valid = File.ReadAllBytes(GoldenPng);

        var error = Assert.ThrowsExactly<ImageDecodingException>(() => Processor.Preprocess(new[] { valid, Array.Empty<byte>() }));

        Assert.AreEqual("byte[] input #1", error.InputName);
        StringAssert.Contains(error.Message, "byte[] input #1");
        StringAssert.Contains(error.Message, "empty");
    }

    [TestMethod]
    public void EmptyFileIsNamedByItsPath()
    {
        string path = WriteTemporary("empty.png", []);

        var error = Assert.ThrowsExactly<ImageDecodingException>(() => DecodedImage.FromFile(path));

        Assert.AreEqual(path, error.InputName);
        StringAssert.Contains(error.Message, path);
    }

    [TestMethod]
    public void TextFileIsAnUnrecognisedFormat()
    {
        string path = WriteTemporary("notes.txt", "This is not an image, just some text.\n"u8.ToArray());

        var error = Assert.ThrowsExactly<ImageDecodingException>(() => Processor.Preprocess(new[] { path }));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "not a recognised image format");
    }

    [TestMethod]
    public void MissingFileNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"blip2-missing-{Guid.NewGuid():N}.jpg");

        var error = Assert.ThrowsExactly<FileNotFoundException>(() => Processor.Preprocess(new[] { path }));

        StringAssert.Contains(error.Message, path);
    }

    [TestMethod]
    [DataRow(0.5)]
    [DataRow(0.9)]
    public void TruncatedJpegIsRejected(double keptFraction)
    {
        byte[] whole = File.ReadAllBytes(GoldenJpeg);
        byte[] truncated = whole.AsSpan(0, (int)(whole.Length * keptFraction)).ToArray();

        var error = Assert.ThrowsExactly<ImageDecodingException>(() => DecodedImage.FromBytes(truncated, "cut.jpg"));

        StringAssert.Contains(error.Message, "cut.jpg");
        StringAssert.Contains(error.Message, "truncated");
    }

    [TestMethod]
    [DataRow(0.3)]
    [DataRow(0.8)]
    public void TruncatedPngIsRejected(double keptFraction)
    {
        byte[] whole = File.ReadAllBytes(GoldenPng);
        byte[] truncated = whole.AsSpan(0, (int)(whole.Length * keptFraction)).ToArray();

        var error = Assert.ThrowsExactly<ImageDecodingException>(() => DecodedImage.FromBytes(truncated, "cut.png"));

        StringAssert.Contains(error.Message, "cut.png");
    }

    [TestMethod]
    public void PngHeaderFollowedByGarbageIsRejected()
    {
        byte[] garbage = new byte[200];
        new Random(7).NextBytes(garbage);
        byte[] data = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. garbage];

        var error = Assert.ThrowsExactly<ImageDecodingException>(() => DecodedImage.FromBytes(data, "garbage.png"));

        StringAssert.Contains(error.Message, "garbage.png");
    }

    [TestMethod]
    public void CorruptPngImageDataIsRejected()
    {
        byte[] data = File.ReadAllBytes(GoldenPng);
        int idat = data.AsSpan().IndexOf("IDAT"u8);
        Assert.IsTrue(idat > 0, "golden PNG has no IDAT chunk");
        // Overwrite the zlib stream (after its 2-byte header) with bytes that cannot inflate.
        data.AsSpan(idat + 6, 64).Fill(0xFF);

        var error = Assert.ThrowsExactly<ImageDecodingException>(() => DecodedImage.FromBytes(data, "corrupt.png"));

        StringAssert.Contains(error.Message, "corrupt.png");
    }

    [TestMethod]
    public void StreamInputsAreNamedByTheirBatchIndex()
    {
        using var good = File.OpenRead(GoldenPng);
        using var bad = new MemoryStream("GIF89a but nothing else"u8.ToArray());

        var error = Assert.ThrowsExactly<ImageDecodingException>(() => Processor.Preprocess(new Stream[] { good, bad }));

        Assert.AreEqual("stream input #1", error.InputName);
    }

    private string WriteTemporary(string name, byte[] content)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"blip2-image-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        _temporaryDirectories.Add(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
