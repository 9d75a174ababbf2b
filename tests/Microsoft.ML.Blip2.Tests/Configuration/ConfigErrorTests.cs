using Microsoft.ML.Blip2.Configuration;

namespace Microsoft.ML.Blip2.Tests.Configuration;

[TestClass]
public sealed class ConfigErrorTests
{
    [TestMethod]
    public void UnsupportedTextModelTypeNamesTheTypeTheFileAndTheSupportedOnes()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteFile("config.json", """{"model_type": "blip-2", "text_config": {"model_type": "llama"}}""");

        var error = Assert.ThrowsExactly<NotSupportedException>(() => Blip2Config.FromDirectory(directory.Path));

        StringAssert.Contains(error.Message, "'llama'");
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "text_config.model_type");
        StringAssert.Contains(error.Message, "opt, t5");
    }

    [TestMethod]
    public void MalformedJsonNamesTheFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteFile("config.json", """{"model_type": "blip-2", "num_query_tokens": 32,""");

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Blip2Config.FromFile(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "not valid JSON");
    }

    [TestMethod]
    [DataRow("""{"model_type": "blip-2", "num_query_tokens": "ten"}""", "num_query_tokens", "string \"ten\"")]
    [DataRow("""{"model_type": "blip-2", "text_config": {"vocab_size": 1.5}}""", "text_config.vocab_size", "number 1.5")]
    [DataRow("""{"model_type": "blip-2", "vision_config": {"layer_norm_eps": null}}""", "vision_config.layer_norm_eps", "null")]
    [DataRow("""{"model_type": "blip-2", "qformer_config": [1]}""", "qformer_config", "array [1]")]
    [DataRow("""{"model_type": "blip-2", "text_config": {"eos_token_id": ["x"]}}""", "text_config.eos_token_id[0]", "string \"x\"")]
    [DataRow("""{"model_type": "blip-2", "text_config": {"early_stopping": "sometimes"}}""", "text_config.early_stopping", "\"sometimes\"")]
    [DataRow("""{"model_type": "blip-2", "architectures": "Blip2Model"}""", "architectures", "string \"Blip2Model\"")]
    public void WrongValueTypeNamesTheFileTheKeyAndTheValue(string json, string key, string found)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteFile("config.json", json);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Blip2Config.FromFile(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, $"'{key}'");
        StringAssert.Contains(error.Message, found);
    }

    [TestMethod]
    public void TopLevelMustBeAnObject()
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => Blip2Config.FromJson("[1, 2]"));

        StringAssert.Contains(error.Message, "must be an object");
    }

    [TestMethod]
    public void ConfigOfAnotherModelIsRejected()
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => Blip2Config.FromJson("""{"model_type": "opt"}"""));
        StringAssert.Contains(error.Message, "'opt'");
        StringAssert.Contains(error.Message, "'blip-2'");

        var visionError = Assert.ThrowsExactly<InvalidDataException>(() => Blip2VisionConfig.FromJson("""{"model_type": "blip_2_qformer"}"""));
        StringAssert.Contains(visionError.Message, "blip_2_vision_model");
    }

    [TestMethod]
    public void AutoConfigRejectsUnknownAndMissingModelTypes()
    {
        var unknown = Assert.ThrowsExactly<NotSupportedException>(() => AutoConfig.FromJson("""{"model_type": "clip"}"""));
        StringAssert.Contains(unknown.Message, "'clip'");
        StringAssert.Contains(unknown.Message, "blip-2");

        var missing = Assert.ThrowsExactly<InvalidDataException>(() => AutoConfig.FromJson("""{"hidden_size": 3}"""));
        StringAssert.Contains(missing.Message, "model_type");
    }

    [TestMethod]
    public void MissingConfigFileNamesThePath()
    {
        using var directory = new TemporaryDirectory();

        var error = Assert.ThrowsExactly<FileNotFoundException>(() => Blip2Config.FromDirectory(directory.Path));

        StringAssert.Contains(error.Message, directory.Path);
        StringAssert.Contains(error.Message, "config.json");
    }

    [TestMethod]
    public void InvalidProblemTypeIsRejectedAsHuggingFaceDoes()
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => TextConfig.FromJson("""{"model_type": "opt", "problem_type": "ranking"}"""));

        StringAssert.Contains(error.Message, "'problem_type'");
    }
}
