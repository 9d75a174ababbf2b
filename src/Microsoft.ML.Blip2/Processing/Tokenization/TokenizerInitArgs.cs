using System.Text.Json;
using System.Text.Json.Nodes;

namespace Microsoft.ML.Blip2.Processing;

/// <summary>
/// The constructor arguments a Hugging Face slow tokenizer receives from <c>from_pretrained</c>: the keys of
/// <c>tokenizer_config.json</c>, the special tokens (with <c>special_tokens_map.json</c> filling gaps) and the added
/// tokens (from <c>added_tokens_decoder</c>, or else the legacy <c>added_tokens.json</c> / <c>tokenizer.json</c>).
/// </summary>
internal sealed class TokenizerInitArgs
{
    /// <summary>Hugging Face's VERY_LARGE_INTEGER, the "no limit" model_max_length.</summary>
    public const double VeryLargeModelMaxLength = 1e30;

    private readonly JsonObject config;
    private readonly Dictionary<SpecialTokenRole, AddedToken?> specialTokens;

    private TokenizerInitArgs(string? directory, JsonObject config, Dictionary<SpecialTokenRole, AddedToken?> specialTokens,
        List<AddedToken>? additionalSpecialTokens, SortedDictionary<int, AddedToken> addedTokensDecoder)
    {
        Directory = directory;
        this.config = config;
        this.specialTokens = specialTokens;
        AdditionalSpecialTokens = additionalSpecialTokens;
        AddedTokensDecoder = addedTokensDecoder;
    }

    /// <summary>Directory the arguments were read from, if any.</summary>
    public string? Directory { get; }

    /// <summary><c>additional_special_tokens</c>, or <see langword="null"/> when not given.</summary>
    public List<AddedToken>? AdditionalSpecialTokens { get; }

    /// <summary>Added tokens by id.</summary>
    public SortedDictionary<int, AddedToken> AddedTokensDecoder { get; }

    /// <summary>Arguments with nothing set (every model default applies).</summary>
    public static TokenizerInitArgs Empty() => new(null, new JsonObject(), new(), null, new());

    /// <summary>Reads a tokenizer directory; only tokenizer_config.json and the legacy token files are read here.</summary>
    public static TokenizerInitArgs Load(string directory)
    {
        TokenizerFiles.RequireDirectory(directory);
        string? configPath = TokenizerFiles.Optional(directory, TokenizerFiles.TokenizerConfig);
        JsonObject config = configPath is null ? new JsonObject() : ReadObject(configPath);

        var special = new Dictionary<SpecialTokenRole, AddedToken?>();
        foreach (SpecialTokenRole role in SpecialTokenRoles.All)
        {
            if (config.TryGetPropertyValue(SpecialTokenRoles.JsonKey(role), out JsonNode? node))
            {
                special[role] = ParseToken(node, TokenizerFiles.TokenizerConfig, special: true);
            }
        }

        List<AddedToken>? additional = config.TryGetPropertyValue("additional_special_tokens", out JsonNode? extra) && extra is not null
            ? ParseTokenList(extra, TokenizerFiles.TokenizerConfig)
            : null;

        var decoder = new SortedDictionary<int, AddedToken>();
        if (config.TryGetPropertyValue("added_tokens_decoder", out JsonNode? decoderNode) && decoderNode is JsonObject decoderObject)
        {
            foreach ((string id, JsonNode? value) in decoderObject)
            {
                decoder[ParseId(id, TokenizerFiles.TokenizerConfig)] = ParseToken(value, TokenizerFiles.TokenizerConfig, special: false)
                    ?? throw new InvalidDataException($"added_tokens_decoder entry {id} in {configPath} is null.");
            }
        }
        else
        {
            additional = ApplySpecialTokensMap(directory, special, additional);
            ReadLegacyAddedTokens(directory, special, additional, decoder);
        }

        // from_pretrained swaps plain special-token strings for the added token with the same content (keeps its flags).
        var byContent = decoder.Values.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.Last());
        foreach (SpecialTokenRole role in special.Keys.ToList())
        {
            if (special[role] is { } token && byContent.TryGetValue(token.Content, out AddedToken? known))
            {
                special[role] = known;
            }
        }

        return new TokenizerInitArgs(directory, config, special, additional, decoder);
    }

    /// <summary>The special token of <paramref name="role"/>: the configured one, or <paramref name="defaultContent"/> when the key is absent.</summary>
    public AddedToken? SpecialToken(SpecialTokenRole role, string? defaultContent) =>
        specialTokens.TryGetValue(role, out AddedToken? token)
            ? token
            : defaultContent is null ? null : new AddedToken(defaultContent) { Special = true };

    public bool Has(string key) => config.TryGetPropertyValue(key, out JsonNode? node) && node is not null;

    /// <summary>A list of strings (e.g. BERT <c>never_split</c>), as tokens.</summary>
    public List<AddedToken> GetTokenList(string key) =>
        config.TryGetPropertyValue(key, out JsonNode? node) && node is not null
            ? ParseTokenList(node, TokenizerFiles.TokenizerConfig, key)
            : [];

    public string? GetString(string key) =>
        config.TryGetPropertyValue(key, out JsonNode? node) && node is JsonValue value && value.TryGetValue(out string? s) ? s : null;

    public bool GetBool(string key, bool defaultValue)
    {
        if (!config.TryGetPropertyValue(key, out JsonNode? node) || node is null)
        {
            return defaultValue;
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidDataException($"'{key}' in {TokenizerFiles.TokenizerConfig} of '{Directory}' must be true or false, not {node.ToJsonString()}."),
        };
    }

    /// <summary>A boolean that may be null (e.g. BERT <c>strip_accents</c>); absent keys give <paramref name="defaultValue"/>.</summary>
    public bool? GetNullableBool(string key, bool? defaultValue) =>
        !config.TryGetPropertyValue(key, out JsonNode? node) ? defaultValue : node is null ? null : GetBool(key, false);

    public int GetInt(string key, int defaultValue)
    {
        if (!config.TryGetPropertyValue(key, out JsonNode? node) || node is null)
        {
            return defaultValue;
        }

        if (node is JsonValue value && value.TryGetValue(out int result))
        {
            return result;
        }

        throw new InvalidDataException($"'{key}' in {TokenizerFiles.TokenizerConfig} of '{Directory}' must be an integer, not {node.ToJsonString()}.");
    }

    /// <summary><c>model_max_length</c>, clamped to <see cref="long.MaxValue"/> (HF stores 1e30 for "no limit").</summary>
    public long ModelMaxLength()
    {
        if (!config.TryGetPropertyValue("model_max_length", out JsonNode? node) || node is null)
        {
            return long.MaxValue;
        }

        double value = node.GetValue<JsonElement>().GetDouble();
        return value >= long.MaxValue ? long.MaxValue : (long)value;
    }

    public PaddingSide PaddingSide() => GetString("padding_side") switch
    {
        null or "right" => Processing.PaddingSide.Right,
        "left" => Processing.PaddingSide.Left,
        string other => throw new InvalidDataException($"padding_side '{other}' in {TokenizerFiles.TokenizerConfig} of '{Directory}' must be 'left' or 'right'."),
    };

    public TruncationSide TruncationSide() => GetString("truncation_side") switch
    {
        null or "right" => Processing.TruncationSide.Right,
        "left" => Processing.TruncationSide.Left,
        string other => throw new InvalidDataException($"truncation_side '{other}' in {TokenizerFiles.TokenizerConfig} of '{Directory}' must be 'left' or 'right'."),
    };

    /// <summary>
    /// Legacy path (no added_tokens_decoder): special_tokens_map.json fills special tokens that tokenizer_config.json
    /// does not set, and its additional special tokens are appended to the configured ones.
    /// </summary>
    private static List<AddedToken>? ApplySpecialTokensMap(string directory, Dictionary<SpecialTokenRole, AddedToken?> special,
        List<AddedToken>? additional)
    {
        string? mapPath = TokenizerFiles.Optional(directory, TokenizerFiles.SpecialTokensMap);
        if (mapPath is null)
        {
            return additional;
        }

        JsonObject map = ReadObject(mapPath);
        foreach (SpecialTokenRole role in SpecialTokenRoles.All)
        {
            if (map.TryGetPropertyValue(SpecialTokenRoles.JsonKey(role), out JsonNode? node)
                && !(special.TryGetValue(role, out AddedToken? configured) && configured is not null))
            {
                special[role] = ParseToken(node, TokenizerFiles.SpecialTokensMap, special: true);
            }
        }

        if (map.TryGetPropertyValue("additional_special_tokens", out JsonNode? extra) && extra is not null)
        {
            additional ??= new List<AddedToken>();
            foreach (AddedToken token in ParseTokenList(extra, TokenizerFiles.SpecialTokensMap))
            {
                if (!additional.Any(t => t.Content == token.Content))
                {
                    additional.Add(token);
                }
            }
        }

        return additional;
    }

    /// <summary>Legacy path: added_tokens.json (special when named by a special attribute) and tokenizer.json added_tokens.</summary>
    private static void ReadLegacyAddedTokens(string directory, Dictionary<SpecialTokenRole, AddedToken?> special,
        List<AddedToken>? additional, SortedDictionary<int, AddedToken> decoder)
    {
        var specialContents = special.Values.Where(t => t is not null).Select(t => t!.Content)
            .Concat(additional?.Select(t => t.Content) ?? []).ToHashSet(StringComparer.Ordinal);

        string? addedPath = TokenizerFiles.Optional(directory, TokenizerFiles.AddedTokens);
        if (addedPath is not null)
        {
            foreach ((string content, JsonNode? idNode) in ReadObject(addedPath))
            {
                int id = idNode is JsonValue v && v.TryGetValue(out int parsed)
                    ? parsed
                    : throw new InvalidDataException($"Id of '{content}' in {addedPath} must be an integer.");
                bool isSpecial = specialContents.Contains(content);
                decoder[id] = new AddedToken(content) { Special = isSpecial, Normalized = !isSpecial };
            }
        }

        string? tokenizerJsonPath = TokenizerFiles.Optional(directory, TokenizerFiles.TokenizerJson);
        if (tokenizerJsonPath is not null)
        {
            foreach ((int id, AddedToken token) in HuggingFaceTokenizerJson.ReadAddedTokens(tokenizerJsonPath))
            {
                decoder[id] = token;
            }
        }
    }

    internal static AddedToken? ParseToken(JsonNode? node, string source, bool special)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue value when value.TryGetValue(out string? content):
                return new AddedToken(content) { Special = special };
            case JsonObject obj:
                string text = obj["content"]?.GetValue<string>()
                    ?? throw new InvalidDataException($"Added token without 'content' in {source}: {obj.ToJsonString()}.");
                bool isSpecial = special || (obj["special"]?.GetValue<bool>() ?? false);
                return new AddedToken(text)
                {
                    LStrip = obj["lstrip"]?.GetValue<bool>() ?? false,
                    RStrip = obj["rstrip"]?.GetValue<bool>() ?? false,
                    SingleWord = obj["single_word"]?.GetValue<bool>() ?? false,
                    Normalized = obj["normalized"]?.GetValue<bool>() ?? !isSpecial,
                    Special = isSpecial,
                };
            default:
                throw new InvalidDataException($"Cannot read a token from {node.ToJsonString()} in {source}.");
        }
    }

    private static List<AddedToken> ParseTokenList(JsonNode node, string source, string key = "additional_special_tokens") =>
        node is JsonArray array
            ? array.Select(item => ParseToken(item, source, special: true)
                ?? throw new InvalidDataException($"Null entry in {key} of {source}.")).ToList()
            : throw new InvalidDataException($"{key} in {source} must be a list.");

    private static int ParseId(string id, string source) =>
        int.TryParse(id, out int value) ? value : throw new InvalidDataException($"Added token id '{id}' in {source} is not an integer.");

    internal static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path} does not contain a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
    }
}
