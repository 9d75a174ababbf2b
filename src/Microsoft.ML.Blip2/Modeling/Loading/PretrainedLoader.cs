using Microsoft.ML.Blip2.IO;
using Microsoft.ML.Blip2.Modeling.Layers;

namespace Microsoft.ML.Blip2.Modeling.Loading;

/// <summary>Builds a model from its config and loads its weights from a Hugging Face directory.</summary>
public static class PretrainedLoader
{
    /// <summary>
    /// Creates the model with placeholder parameters on the target device/dtype, loads every weight, and returns it
    /// in eval mode. The model is disposed if loading fails.
    /// </summary>
    public static TModel Load<TModel>(string directory, ModuleOptions options, Func<ModuleOptions, TModel> create, LoadPlan plan)
        where TModel : Blip2Module => Load(directory, options, create, _ => plan);

    /// <summary>As above, with the load plan derived from the built model (e.g. from its language model's ties).</summary>
    public static TModel Load<TModel>(string directory, ModuleOptions options, Func<ModuleOptions, TModel> create, Func<TModel, LoadPlan> plan)
        where TModel : Blip2Module
    {
        using var checkpoint = SafetensorsCheckpoint.Open(directory);
        var model = create(options);
        try
        {
            CheckpointLoader.Load(model, checkpoint, options, plan(model), directory);
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
