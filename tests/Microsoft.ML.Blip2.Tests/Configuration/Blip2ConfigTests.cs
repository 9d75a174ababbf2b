using System.Text.Json.Nodes;
using Microsoft.ML.Blip2.Configuration;

namespace Microsoft.ML.Blip2.Tests.Configuration;

[TestClass]
public sealed class Blip2ConfigTests
{
    [TestMethod]
    public void SparseOptCheckpointGetsHuggingFaceDefaults()
    {
        // opt/model/config.json leaves out every value equal to a class default (see the golden README).
        Blip2Config config = Blip2Config.FromDirectory(GoldenDirectory.File("opt", "model"));

        OptConfig text = Assert.IsInstanceOfType<OptConfig>(config.TextConfig);
        Assert.AreEqual(2, text.BosTokenId);
        Assert.AreEqual(1, text.PadTokenId);
        Assert.AreEqual(77, text.EosTokenId);
        Assert.AreEqual(32, text.WordEmbedProjDim);
        Assert.AreEqual("relu", text.ActivationFunction);
        Assert.IsTrue(text.DoLayerNormBefore);
        Assert.IsFalse(text.RemoveFinalLayerNorm);
        Assert.AreEqual(1e-6, config.VisionConfig.LayerNormEps);
        Assert.AreEqual(1e-10, config.VisionConfig.InitializerRange);
        Assert.IsTrue(config.VisionConfig.QkvBias);
        Assert.AreEqual(1e-12, config.QFormerConfig.LayerNormEps);
        Assert.AreEqual(0, config.QFormerConfig.PadTokenId);
        Assert.AreEqual("absolute", config.QFormerConfig.PositionEmbeddingType);
        Assert.AreEqual(10, config.NumQueryTokens);
        Assert.IsNull(config.ImageTokenIndex);
        Assert.IsTrue(config.UseDecoderOnlyLanguageModel);
        Assert.IsTrue(config.TieWordEmbeddings);
    }

    [TestMethod]
    public void VisionGeometryFollowsImageAndPatchSize()
    {
        Blip2Config config = Blip2Config.FromDirectory(GoldenDirectory.File("opt", "model"));

        // image 30, patch 2: a 15 x 15 grid plus the class token.
        Assert.AreEqual(225, config.VisionConfig.NumPatches);
        Assert.AreEqual(226, config.VisionConfig.NumPositions);
        // Blip2Config() defaults: 224 / 14 = 16 -> 256 patches, 257 positions (blip2-opt-2.7b's 257 image tokens).
        Assert.AreEqual(257, new Blip2Config().VisionConfig.NumPositions);
    }

    [TestMethod]
    public void T5CheckpointIsEncoderDecoderWithUntiedEmbeddings()
    {
        Blip2Config config = Blip2Config.FromDirectory(GoldenDirectory.File("t5", "model"));

        T5Config text = Assert.IsInstanceOfType<T5Config>(config.TextConfig);
        Assert.IsFalse(config.UseDecoderOnlyLanguageModel);
        Assert.IsTrue(config.IsEncoderDecoder);
        Assert.IsFalse(config.TieWordEmbeddings);
        Assert.AreEqual(0, text.DecoderStartTokenId);
        Assert.AreEqual(32, text.HiddenSize);
        Assert.AreEqual("gelu_new", text.DenseActFn);
        Assert.IsTrue(text.IsGatedAct);
    }

    [TestMethod]
    public void ImageTokenIndexIsReadWhenPresent()
    {
        Blip2Config config = Blip2Config.FromDirectory(GoldenDirectory.File("opt_image_tokens", "model"));

        Assert.AreEqual(98, config.ImageTokenIndex);
    }

    [TestMethod]
    public void FromVisionQFormerTextConfigsRebuildsTheResolvedT5Config()
    {
        JsonObject resolved = JsonNode.Parse(File.ReadAllText(GoldenDirectory.File("t5", "resolved_config.json")))!.AsObject();
        Blip2VisionConfig vision = Blip2VisionConfig.FromJson(resolved["vision_config"]!.ToJsonString());
        // A different encoder_hidden_size: HF replaces it with the vision hidden size.
        Blip2QFormerConfig qformer = Blip2QFormerConfig.FromJson(resolved["qformer_config"]!.ToJsonString()) with { EncoderHiddenSize = 1408 };
        TextConfig text = TextConfig.FromJson(resolved["text_config"]!.ToJsonString());

        Blip2Config config = Blip2Config.FromVisionQFormerTextConfigs(vision, qformer, text, numQueryTokens: 10, imageTextHiddenSize: 16) with
        {
            Architectures = ["Blip2ForConditionalGeneration"],
            TorchDtype = "float32",
            TransformersVersion = "4.45.0.dev0",
        };

        Assert.AreEqual(32, config.QFormerConfig.EncoderHiddenSize);
        Assert.IsFalse(config.TieWordEmbeddings);
        Assert.IsTrue(config.IsEncoderDecoder);
        JsonObject actual = config.ToJsonNode();
        actual.Remove("_name_or_path");
        JsonTreeDiff.AssertEqual(resolved, actual, "t5 rebuilt with FromVisionQFormerTextConfigs");
    }

    [TestMethod]
    public void FromVisionQFormerTextConfigsWithoutTextConfigUsesDefaultOpt()
    {
        Blip2Config config = Blip2Config.FromVisionQFormerTextConfigs(new Blip2VisionConfig { HiddenSize = 64 }, new Blip2QFormerConfig());

        Assert.AreEqual(new OptConfig(), config.TextConfig);
        Assert.AreEqual(64, config.QFormerConfig.EncoderHiddenSize);
        Assert.AreEqual(32, config.NumQueryTokens);
        Assert.AreEqual(256, config.ImageTextHiddenSize);
        Assert.IsTrue(config.UseDecoderOnlyLanguageModel);
    }

    [TestMethod]
    public void ValuesHuggingFaceRecomputesAreIgnoredWhenLoading()
    {
        const string json = """
            {
              "model_type": "blip-2",
              "tie_word_embeddings": true,
              "is_encoder_decoder": false,
              "use_decoder_only_language_model": true,
              "initializer_factor": 3.0,
              "initializer_range": 0.5,
              "vision_config": {"hidden_size": 48},
              "qformer_config": {"encoder_hidden_size": 7},
              "text_config": {"model_type": "t5", "tie_word_embeddings": false}
            }
            """;

        Blip2Config config = Blip2Config.FromJson(json);

        Assert.IsFalse(config.TieWordEmbeddings);
        Assert.IsTrue(config.IsEncoderDecoder);
        Assert.IsFalse(config.UseDecoderOnlyLanguageModel);
        Assert.AreEqual(1.0, config.InitializerFactor);
        Assert.AreEqual(0.02, config.InitializerRange);
        Assert.AreEqual(48, config.QFormerConfig.EncoderHiddenSize);
    }

    [TestMethod]
    public void EmptyObjectGivesTheDefaultBlip2Config()
    {
        Blip2Config config = Blip2Config.FromJson("""{"model_type": "blip-2"}""");

        Assert.AreEqual(new Blip2Config(), config);
        Assert.AreEqual(1408, config.VisionConfig.HiddenSize);
        Assert.AreEqual(39, config.VisionConfig.NumHiddenLayers);
        Assert.AreEqual(2, config.QFormerConfig.CrossAttentionFrequency);
        Assert.AreEqual(1408, config.QFormerConfig.EncoderHiddenSize);
        Assert.AreEqual(50272, config.TextConfig.VocabSize);
    }

    [TestMethod]
    public void StandaloneVisionAndQFormerLoadersAcceptAFullBlip2Config()
    {
        // HF's Blip2VisionConfig/Blip2QFormerConfig.from_pretrained take the sub-config of a blip-2 config.json.
        Blip2VisionConfig vision = Blip2VisionConfig.FromDirectory(GoldenDirectory.File("opt", "model"));
        Blip2QFormerConfig qformer = Blip2QFormerConfig.FromDirectory(GoldenDirectory.File("itm", "model"));

        Assert.AreEqual(32, vision.HiddenSize);
        Assert.AreEqual(30, vision.ImageSize);
        Assert.IsTrue(qformer.UseQformerTextInput);
        Assert.AreEqual(1, qformer.CrossAttentionFrequency);
    }

    [TestMethod]
    public void StandaloneVisionCheckpointLoads()
    {
        Blip2VisionConfig vision = Blip2VisionConfig.FromDirectory(GoldenDirectory.File("vision_interpolate", "model"));

        Assert.AreEqual(2, vision.PatchSize);
        CollectionAssert.AreEqual(new[] { "Blip2VisionModel" }, vision.Architectures!.ToArray());
        Assert.AreEqual("4.46.0.dev0", vision.TransformersVersion);
    }

    [TestMethod]
    public void UnknownKeysArePreservedInBothForms()
    {
        const string json = """
            {"model_type": "blip-2", "my_flag": [1, 2], "text_config": {"model_type": "opt", "custom": {"a": 1.5}}}
            """;

        Blip2Config config = Blip2Config.FromJson(json);

        Assert.AreEqual("[1,2]", config.ExtraProperties["my_flag"]!.ToJsonString());
        Assert.AreEqual("""{"a":1.5}""", config.TextConfig.ExtraProperties["custom"]!.ToJsonString());
        foreach (bool sparse in new[] { false, true })
        {
            JsonObject written = config.ToJsonNode(sparse);
            Assert.AreEqual("[1,2]", written["my_flag"]!.ToJsonString(), $"sparse={sparse}");
            Assert.AreEqual("""{"a":1.5}""", written["text_config"]!["custom"]!.ToJsonString(), $"sparse={sparse}");
        }
    }

    [TestMethod]
    public void EosTokenIdKeepsItsListForm()
    {
        Blip2Config config = Blip2Config.FromJson("""{"model_type": "blip-2", "text_config": {"eos_token_id": [50118, 2]}}""");

        Assert.AreEqual(50118, config.TextConfig.EosTokenId);
        CollectionAssert.AreEqual(new[] { 50118, 2 }, config.TextConfig.EosTokenIds!.ToArray());
        Assert.AreEqual("[50118,2]", config.ToJsonNode()["text_config"]!["eos_token_id"]!.ToJsonString());

        Blip2Config single = Blip2Config.FromJson("""{"model_type": "blip-2", "text_config": {"eos_token_id": [7]}}""");
        Assert.AreEqual("[7]", single.ToJsonNode(sparse: true)["text_config"]!["eos_token_id"]!.ToJsonString());
    }

    [TestMethod]
    public void NumLabelsBecomesLabelMaps()
    {
        // PretrainedConfig.__init__: without id2label, num_labels=n builds LABEL_0..LABEL_{n-1}; num_labels itself is not stored.
        TextConfig text = TextConfig.FromJson("""{"model_type": "opt", "num_labels": 3}""");

        JsonObject json = text.ToJsonNode();
        Assert.AreEqual("""{"0":"LABEL_0","1":"LABEL_1","2":"LABEL_2"}""", json["id2label"]!.ToJsonString());
        Assert.AreEqual("""{"LABEL_0":0,"LABEL_1":1,"LABEL_2":2}""", json["label2id"]!.ToJsonString());
        Assert.IsFalse(json.ContainsKey("num_labels"));
    }

    [TestMethod]
    public void SaveWritesSparseConfigJsonThatReloadsEqual()
    {
        using var directory = new TemporaryDirectory();
        Blip2Config config = Blip2Config.FromDirectory(GoldenDirectory.File("t5", "model")) with { NumQueryTokens = 4 };

        string path = config.Save(directory.Path);

        Assert.AreEqual(Path.Combine(directory.Path, "config.json"), path);
        Assert.AreEqual(config, Blip2Config.FromDirectory(directory.Path));
        Assert.AreEqual(4, (int)JsonNode.Parse(File.ReadAllText(path))!["num_query_tokens"]!);
    }

    [TestMethod]
    public void HubStyleNestedMetadataIsKeptAndWrittenBack()
    {
        // Hub BLIP-2 configs carry the text model's own metadata inside text_config.
        const string json = """
            {
              "model_type": "blip-2",
              "text_config": {
                "_name_or_path": "facebook/opt-2.7b",
                "architectures": ["OPTForCausalLM"],
                "eos_token_id": 50118,
                "model_type": "opt",
                "prefix": "</s>",
                "torch_dtype": "float16"
              }
            }
            """;

        Blip2Config config = Blip2Config.FromJson(json);

        Assert.AreEqual("facebook/opt-2.7b", config.TextConfig.NameOrPath);
        Assert.AreEqual("float16", config.TextConfig.TorchDtype);
        Assert.AreEqual(50118, config.TextConfig.EosTokenId);
        CollectionAssert.AreEqual(new[] { "OPTForCausalLM" }, config.TextConfig.Architectures!.ToArray());
        JsonNode sparseText = config.ToJsonNode(sparse: true)["text_config"]!;
        Assert.AreEqual("facebook/opt-2.7b", (string?)sparseText["_name_or_path"]);
        Assert.AreEqual("</s>", (string?)sparseText["prefix"]);
        Assert.AreEqual(config, Blip2Config.FromJson(config.ToJson(sparse: true)));
    }
}
