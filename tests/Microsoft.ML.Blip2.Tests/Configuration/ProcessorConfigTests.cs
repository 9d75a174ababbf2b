using Microsoft.ML.Blip2.Configuration;

namespace Microsoft.ML.Blip2.Tests.Configuration;

[TestClass]
public sealed class ProcessorConfigTests
{
    [TestMethod]
    public void GoldenProcessorConfigParsesAndWritesBackUnchanged()
    {
        string path = GoldenDirectory.File("processor_opt", "processor", ProcessorConfig.FileName);

        ProcessorConfig config = ProcessorConfig.FromFile(path);

        Assert.AreEqual(10, config.NumQueryTokens);
        Assert.AreEqual("Blip2Processor", config.ProcessorClass);
        Assert.AreEqual(0, config.ExtraProperties.Count);
        Assert.AreEqual(File.ReadAllText(path), config.ToJson());
    }

    [TestMethod]
    public void LegacyProcessorHasNoQueryTokens()
    {
        ProcessorConfig config = ProcessorConfig.FromJson("""{"processor_class": "Blip2Processor"}""");

        Assert.IsNull(config.NumQueryTokens);
    }

    [TestMethod]
    public void SaveWritesAFileThatReadsBackEqual()
    {
        using var directory = new TemporaryDirectory();
        var config = new ProcessorConfig { NumQueryTokens = 32, ProcessorClass = "Blip2Processor" };

        config.Save(directory.Path);

        Assert.AreEqual(config, ProcessorConfig.FromDirectory(directory.Path));
    }

    [TestMethod]
    public void WrongTypeNamesTheKey()
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => ProcessorConfig.FromJson("""{"num_query_tokens": "32"}"""));

        StringAssert.Contains(error.Message, "'num_query_tokens'");
    }
}
