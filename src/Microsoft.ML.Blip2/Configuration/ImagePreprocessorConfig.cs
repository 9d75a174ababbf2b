using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Configuration;

/// <summary>
/// Settings of BLIP-2's image processor from <c>preprocessor_config.json</c> (Hugging Face <c>BlipImageProcessor</c>,
/// transformers 4.45): resize to a fixed height × width, rescale, normalise with the CLIP mean and std, convert to RGB.
/// Keys no property models (e.g. <c>processor_class</c>) are kept in <see cref="ExtraProperties"/>.
/// </summary>
public sealed record ImagePreprocessorConfig
{
    /// <summary>Name of the file in a checkpoint or processor directory.</summary>
    public const string FileName = "preprocessor_config.json";

    /// <summary>The only <c>image_processor_type</c> this configuration describes.</summary>
    public const string BlipImageProcessorType = "BlipImageProcessor";

    private IReadOnlyList<double> _imageMean = EquatableList<double>.From([0.48145466, 0.4578275, 0.40821073]);
    private IReadOnlyList<double> _imageStd = EquatableList<double>.From([0.26862954, 0.26130258, 0.27577711]);
    private ExtraJsonProperties _extraProperties = ExtraJsonProperties.Empty;

    /// <summary><c>do_resize</c> (default true).</summary>
    public bool DoResize { get; init; } = true;

    /// <summary><c>size</c>: the output height and width (default 384 × 384).</summary>
    public PixelDimensions Size { get; init; } = new(384, 384);

    /// <summary><c>resample</c>: the resize filter (default bicubic).</summary>
    public PilResampling Resample { get; init; } = PilResampling.Bicubic;

    /// <summary><c>do_rescale</c> (default true).</summary>
    public bool DoRescale { get; init; } = true;

    /// <summary><c>rescale_factor</c> applied to 0-255 pixel values (default 1/255).</summary>
    public double RescaleFactor { get; init; } = 1.0 / 255;

    /// <summary><c>do_normalize</c> (default true).</summary>
    public bool DoNormalize { get; init; } = true;

    /// <summary><c>image_mean</c> per channel (default OpenAI CLIP's mean).</summary>
    public IReadOnlyList<double> ImageMean
    {
        get => _imageMean;
        init => _imageMean = EquatableList<double>.From(value ?? throw new ArgumentNullException(nameof(ImageMean)));
    }

    /// <summary><c>image_std</c> per channel (default OpenAI CLIP's std).</summary>
    public IReadOnlyList<double> ImageStd
    {
        get => _imageStd;
        init => _imageStd = EquatableList<double>.From(value ?? throw new ArgumentNullException(nameof(ImageStd)));
    }

    /// <summary><c>do_convert_rgb</c> (default true).</summary>
    public bool DoConvertRgb { get; init; } = true;

    /// <summary>Keys of the json object that no property models, written back unchanged.</summary>
    public ExtraJsonProperties ExtraProperties
    {
        get => _extraProperties;
        init => _extraProperties = value ?? ExtraJsonProperties.Empty;
    }

    /// <summary>Loads <c>preprocessor_config.json</c> from a directory.</summary>
    /// <param name="directory">Checkpoint or processor directory.</param>
    /// <exception cref="InvalidDataException">Malformed json, a wrong value type, or a <c>size</c> BlipImageProcessor cannot resize to.</exception>
    /// <exception cref="NotSupportedException">An <c>image_processor_type</c> other than BlipImageProcessor.</exception>
    public static ImagePreprocessorConfig FromDirectory(string directory) => FromFile(ConfigJsonFile.PathInDirectory(directory, FileName));

    /// <summary>Loads an image preprocessor configuration file (see <see cref="FromDirectory"/>).</summary>
    /// <param name="path">Path of the json file.</param>
    public static ImagePreprocessorConfig FromFile(string path) => Read(new ConfigJsonReader(ConfigJsonFile.ReadObject(path), path));

    /// <summary>Parses image preprocessor configuration json (see <see cref="FromDirectory"/>).</summary>
    /// <param name="json">The json text.</param>
    public static ImagePreprocessorConfig FromJson(string json) =>
        Read(new ConfigJsonReader(ConfigJsonFile.ParseObject(json, ConfigJsonFile.InlineSource), ConfigJsonFile.InlineSource));

    /// <summary>The configuration as json, as <c>BlipImageProcessor.to_json_string()</c> writes it (always the full form).</summary>
    public JsonObject ToJsonNode()
    {
        var json = new JsonObject
        {
            ["do_resize"] = DoResize,
            ["size"] = new JsonObject { ["height"] = Size.Height, ["width"] = Size.Width },
            ["resample"] = (int)Resample,
            ["do_rescale"] = DoRescale,
            ["rescale_factor"] = ConfigJsonWriter.Float(RescaleFactor, "rescale_factor"),
            ["do_normalize"] = DoNormalize,
            ["image_mean"] = ConfigJsonWriter.FloatList(ImageMean, "image_mean"),
            ["image_std"] = ConfigJsonWriter.FloatList(ImageStd, "image_std"),
            ["do_convert_rgb"] = DoConvertRgb,
            ["image_processor_type"] = BlipImageProcessorType,
        };
        ExtraProperties.CopyTo(json);
        return ConfigJsonFile.SortKeys(json);
    }

    /// <summary>The configuration as json text (see <see cref="ToJsonNode"/>).</summary>
    public string ToJson() => ConfigJsonFile.Serialize(ToJsonNode());

    /// <summary>Writes <c>preprocessor_config.json</c> into <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">Target directory.</param>
    /// <returns>The path of the written file.</returns>
    public string Save(string directory) => ConfigJsonFile.Write(directory, FileName, ToJsonNode());

    private static ImagePreprocessorConfig Read(ConfigJsonReader reader)
    {
        string? type = reader.GetNullableString("image_processor_type", BlipImageProcessorType);
        if (type is not null && type != BlipImageProcessorType)
        {
            throw new NotSupportedException(
                $"{reader.Source}: key 'image_processor_type' is '{type}'; only {BlipImageProcessorType} (BLIP-2's processor) is supported.");
        }

        var defaults = new ImagePreprocessorConfig();
        int resample = reader.GetInt32("resample", (int)defaults.Resample);
        if (!Enum.IsDefined((PilResampling)resample))
        {
            throw reader.Error("resample", $"must be a PIL filter code 0-5, found {resample}.");
        }

        var config = defaults with
        {
            DoResize = reader.GetBoolean("do_resize", defaults.DoResize),
            Size = ReadSize(reader, defaults.Size),
            Resample = (PilResampling)resample,
            DoRescale = reader.GetBoolean("do_rescale", defaults.DoRescale),
            RescaleFactor = reader.GetDouble("rescale_factor", defaults.RescaleFactor),
            DoNormalize = reader.GetBoolean("do_normalize", defaults.DoNormalize),
            ImageMean = reader.GetDoubleListOrBroadcast("image_mean", defaults.ImageMean, 3),
            ImageStd = reader.GetDoubleListOrBroadcast("image_std", defaults.ImageStd, 3),
            DoConvertRgb = reader.GetBoolean("do_convert_rgb", defaults.DoConvertRgb),
        };
        return config with { ExtraProperties = ExtraJsonProperties.From(reader.TakeUnreadProperties()) };
    }

    /// <summary>
    /// <c>get_size_dict(size, default_to_square=True)</c>: an int means a square, a list is [height, width], an
    /// object must have height and width, since <c>BlipImageProcessor.resize</c> rejects every other form
    /// (<c>shortest_edge</c>, <c>longest_edge</c>, ...).
    /// </summary>
    private static PixelDimensions ReadSize(ConfigJsonReader reader, PixelDimensions defaultSize)
    {
        if (!reader.TryGetRaw("size", out JsonNode? node) || node is null)
        {
            return defaultSize;
        }

        switch (node)
        {
            case JsonValue when node.GetValueKind() == JsonValueKind.Number:
                int side = reader.ToInt32("size", node);
                return new PixelDimensions(side, side);
            case JsonArray { Count: 2 } pair:
                return new PixelDimensions(reader.ToInt32("size[0]", pair[0]), reader.ToInt32("size[1]", pair[1]));
            case JsonObject obj when obj.Count == 2 && obj.ContainsKey("height") && obj.ContainsKey("width"):
                return new PixelDimensions(reader.ToInt32("size.height", obj["height"]), reader.ToInt32("size.width", obj["width"]));
            case JsonObject obj:
                throw reader.Error("size", $"has keys {{{string.Join(", ", obj.Select(p => p.Key))}}}; BlipImageProcessor resizes to an exact {{height, width}} only.");
            default:
                throw reader.Error("size", $"must be an int, a [height, width] list or a {{height, width}} object, found {ConfigJsonReader.Describe(node)}.");
        }
    }
}
