namespace Microsoft.ML.Blip2.IO;

/// <summary>Builds the error for checkpoints that exist only in pickle formats, which are never unpickled.</summary>
internal static class PickleCheckpointRefusal
{
    internal static SafetensorsException Create(string path, IEnumerable<string> pickleFiles) =>
        new(path, null,
            $"only pickle-based PyTorch weights were found ({string.Join(", ", pickleFiles)}). This library loads safetensors "
            + $"checkpoints only ({CheckpointFileNames.SingleFile} or {CheckpointFileNames.ShardIndex} + shards): unpickling can run "
            + "arbitrary code, so pickle files are never loaded. Convert the checkpoint once in Python, e.g. "
            + "`Blip2ForConditionalGeneration.from_pretrained(src).save_pretrained(dst, safe_serialization=True)` with transformers, "
            + "or the safetensors conversion script (https://huggingface.co/spaces/safetensors/convert).");
}
