using System.Text.Json;
using Microsoft.ML.Blip2.IO;
using TorchSharp;

namespace Microsoft.ML.Blip2.Tests.Golden;

/// <summary>One golden case folder: its case.json and lazily opened input / expected tensors.</summary>
public sealed class GoldenCase : IDisposable
{
    private SafetensorsFile? _inputs;
    private SafetensorsFile? _expected;

    private GoldenCase(string directory, JsonElement json)
    {
        Directory = directory;
        Json = json;
    }

    /// <summary>The folder name, e.g. <c>opt</c>.</summary>
    public string Name => Path.GetFileName(Directory);

    /// <summary>Absolute path of the case folder.</summary>
    public string Directory { get; }

    /// <summary>The parsed case.json.</summary>
    public JsonElement Json { get; }

    /// <summary>Loads <c>case.json</c> of <paramref name="directory"/>.</summary>
    public static GoldenCase Load(string directory)
    {
        string path = Path.Combine(directory, "case.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new GoldenCase(Path.GetFullPath(directory), doc.RootElement.Clone());
    }

    /// <summary>True when case.json has the top-level key.</summary>
    public bool Has(string key) => Json.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>The <c>calls[]</c> entries (empty when the case has none).</summary>
    public IReadOnlyList<GoldenCall> Calls =>
        Json.TryGetProperty("calls", out var calls) && calls.ValueKind == JsonValueKind.Array
            ? calls.EnumerateArray().Select(c => new GoldenCall(this, c)).ToList()
            : [];

    /// <summary>Finds a call by name.</summary>
    public GoldenCall GetCall(string name) =>
        Calls.FirstOrDefault(c => c.Name == name)
        ?? throw new InvalidOperationException($"{Name}: no call named '{name}' in case.json.");

    /// <summary>The model directories the case names: <c>models.*.dir</c>, or <c>model</c> for training cases.</summary>
    public IReadOnlyList<(string Key, string Directory)> ModelDirectories
    {
        get
        {
            var result = new List<(string, string)>();
            if (Json.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Object)
            {
                foreach (var m in models.EnumerateObject())
                    result.Add((m.Name, Path.GetFullPath(Path.Combine(Directory, m.Value.GetProperty("dir").GetString()!))));
            }
            else if (Json.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
            {
                result.Add(("model", Path.GetFullPath(Path.Combine(Directory, model.GetString()!))));
            }
            else if (Json.TryGetProperty("model", out var modelObj) && modelObj.ValueKind == JsonValueKind.Object
                     && modelObj.TryGetProperty("dir", out var dir))
            {
                result.Add(("model", Path.GetFullPath(Path.Combine(Directory, dir.GetString()!))));
            }
            return result;
        }
    }

    /// <summary>The first model directory (most cases have exactly one).</summary>
    public string ModelDirectory => ModelDirectories.Count > 0
        ? ModelDirectories[0].Directory
        : throw new InvalidOperationException($"{Name}: case.json names no model directory.");

    private SafetensorsFile OpenFile(string key)
    {
        if (!Json.TryGetProperty("files", out var files) || !files.TryGetProperty(key, out var file) || file.ValueKind != JsonValueKind.String)
            throw new InvalidOperationException($"{Name}: case.json has no files.{key}.");
        return SafetensorsFile.Open(Path.Combine(Directory, file.GetString()!));
    }

    /// <summary>The inputs.safetensors file.</summary>
    public SafetensorsFile Inputs => _inputs ??= OpenFile("inputs");

    /// <summary>The expected.safetensors file.</summary>
    public SafetensorsFile Expected => _expected ??= OpenFile("expected");

    /// <summary>An input tensor by name (an owned copy).</summary>
    public torch.Tensor Input(string name) => Inputs.LoadTensorCopy(name);

    /// <summary>An expected tensor by name (an owned copy).</summary>
    public torch.Tensor ExpectedTensor(string name) => Expected.LoadTensorCopy(name);

    /// <inheritdoc />
    public void Dispose()
    {
        _inputs?.Dispose();
        _expected?.Dispose();
    }
}

/// <summary>One entry of <c>calls[]</c>.</summary>
public sealed class GoldenCall(GoldenCase owner, JsonElement json)
{
    /// <summary>The case this call belongs to.</summary>
    public GoldenCase Case { get; } = owner;

    /// <summary>The raw JSON of the call.</summary>
    public JsonElement Json { get; } = json;

    /// <summary>Call name, e.g. <c>gen_beam3</c>.</summary>
    public string Name => Json.GetProperty("name").GetString()!;

    /// <summary>The exact Python that produced the outputs.</summary>
    public string Python => Json.TryGetProperty("python", out var p) ? p.GetString() ?? "" : "";

    /// <summary><c>method</c> (e.g. <c>generate</c>), or empty.</summary>
    public string Method => Json.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";

    /// <summary>Argument name → input tensor name.</summary>
    public IReadOnlyDictionary<string, string> Inputs =>
        Json.TryGetProperty("inputs", out var i) && i.ValueKind == JsonValueKind.Object
            ? i.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : new Dictionary<string, string>();

    /// <summary>Keyword arguments of the call.</summary>
    public JsonElement Kwargs => Json.TryGetProperty("kwargs", out var k) && k.ValueKind == JsonValueKind.Object ? k : default;

    /// <summary>True when the call has an input argument <paramref name="argument"/>.</summary>
    public bool HasInput(string argument) => Inputs.ContainsKey(argument);

    /// <summary>Loads the tensor bound to an argument, or null when the call does not pass it.</summary>
    public torch.Tensor? Input(string argument) =>
        Inputs.TryGetValue(argument, out var tensorName) ? Case.Input(tensorName) : null;

    /// <summary>Integer keyword argument or null.</summary>
    public long? IntKwarg(string name) =>
        Kwargs.ValueKind == JsonValueKind.Object && Kwargs.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    /// <summary>Float keyword argument or null.</summary>
    public double? DoubleKwarg(string name) =>
        Kwargs.ValueKind == JsonValueKind.Object && Kwargs.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>Boolean keyword argument or null.</summary>
    public bool? BoolKwarg(string name) =>
        Kwargs.ValueKind == JsonValueKind.Object && Kwargs.TryGetProperty(name, out var v) && (v.ValueKind is JsonValueKind.True or JsonValueKind.False) ? v.GetBoolean() : null;

    /// <summary>The outputs to compare: HF field name → (tensor name, comparison).</summary>
    public IReadOnlyList<GoldenOutput> Outputs =>
        Json.TryGetProperty("outputs", out var o) && o.ValueKind == JsonValueKind.Object
            ? o.EnumerateObject().Select(p => GoldenOutput.Parse(p.Name, p.Value)).ToList()
            : [];
}

/// <summary>How one output is compared.</summary>
public sealed record GoldenOutput(string Field, string Tensor, bool Exact, double Atol, double Rtol)
{
    /// <summary>Parses an <c>outputs</c> entry.</summary>
    public static GoldenOutput Parse(string field, JsonElement json)
    {
        string tensor = json.GetProperty("tensor").GetString()!;
        var compare = json.GetProperty("compare");
        if (compare.ValueKind == JsonValueKind.String)
        {
            if (compare.GetString() != "exact")
                throw new InvalidDataException($"output {field}: unknown compare mode '{compare.GetString()}'");
            return new GoldenOutput(field, tensor, true, 0, 0);
        }
        double atol = compare.TryGetProperty("atol", out var a) ? a.GetDouble() : 0;
        double rtol = compare.TryGetProperty("rtol", out var r) ? r.GetDouble() : 0;
        return new GoldenOutput(field, tensor, false, atol, rtol);
    }
}
