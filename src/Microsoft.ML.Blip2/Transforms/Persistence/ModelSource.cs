using Microsoft.ML.Blip2.Configuration;
using Microsoft.ML.Blip2.Modeling.Layers;

namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>
/// Where a transformer's model comes from: a Hugging Face directory (configs, tokenizer, preprocessor and, unless the
/// weights are a delta, the weight files), with a snapshot of those files so saving can refuse files changed since loading.
/// </summary>
internal sealed class ModelSource : IDisposable
{
    private readonly IDisposable? ownedDirectory;

    private ModelSource(string directory, IReadOnlyList<ModelFile> supportFiles, IReadOnlyList<ModelFile> weightFiles, DeltaWeights? delta, IDisposable? ownedDirectory)
    {
        Directory = directory;
        SupportFiles = supportFiles;
        WeightFiles = weightFiles;
        Delta = delta;
        this.ownedDirectory = ownedDirectory;
    }

    /// <summary>Full path of the directory holding the configs and tokenizer files.</summary>
    public string Directory { get; }

    /// <summary>Configuration, preprocessing and tokenizer files.</summary>
    public IReadOnlyList<ModelFile> SupportFiles { get; }

    /// <summary>Weight files in <see cref="Directory"/>; empty when the weights are <see cref="Delta"/>.</summary>
    public IReadOnlyList<ModelFile> WeightFiles { get; }

    /// <summary>Base checkpoint + delta file, when the weights are stored as differences.</summary>
    public DeltaWeights? Delta { get; }

    /// <summary>Opens a Hugging Face directory; throws naming the first missing file.</summary>
    public static ModelSource Open(string directory)
    {
        string full = Path.GetFullPath(directory);
        return new ModelSource(full, ModelFileNames.SnapshotSupportFiles(full), ModelFileNames.SnapshotWeightFiles(full), null, null);
    }

    /// <summary>Checks that the files a model directory needs are there, without loading anything.</summary>
    public static void CheckFiles(string directory)
    {
        string full = Path.GetFullPath(directory);
        ModelFileNames.SnapshotSupportFiles(full);
        ModelFileNames.SnapshotWeightFiles(full);
    }

    /// <summary>A directory extracted from a saved model; disposing the source deletes it.</summary>
    public static ModelSource Extracted(string directory, DeltaWeights? delta, IDisposable owner) =>
        new(directory, ModelFileNames.SnapshotSupportFiles(directory), delta is null ? ModelFileNames.SnapshotWeightFiles(directory) : [], delta, owner);

    /// <summary>
    /// Loads the model with <paramref name="fromPretrained"/>: from <see cref="Directory"/>, or from the verified base
    /// checkpoint with the delta applied (the base's config must equal this directory's).
    /// </summary>
    public TModel LoadModel<TModel>(Func<string, TModel> fromPretrained, Func<TModel, Blip2Config> configOf)
        where TModel : Blip2Module
    {
        if (Delta is null)
            return fromPretrained(Directory);

        Delta.VerifyBase();
        var model = fromPretrained(Delta.BaseDirectory);
        try
        {
            var expected = Blip2Config.FromDirectory(Directory);
            if (!expected.Equals(configOf(model)))
            {
                throw new InvalidDataException(
                    $"The base checkpoint '{Delta.BaseDirectory}' has a different config.json than the saved model; delta weights only apply to the same architecture.");
            }

            DeltaApplier.Apply(model, Delta.DeltaFile.Path);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> when a file was changed since it was loaded.</summary>
    public void VerifyUnchanged()
    {
        foreach (ModelFile file in SupportFiles.Concat(WeightFiles))
            file.VerifyUnchanged();
        Delta?.DeltaFile.VerifyUnchanged();
    }

    /// <summary>Deletes the extracted directory, if this source owns one.</summary>
    public void Dispose() => ownedDirectory?.Dispose();
}
