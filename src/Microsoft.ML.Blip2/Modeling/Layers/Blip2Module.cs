using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Blip2.Modeling.Layers;

/// <summary>
/// Base class of every BLIP-2 module. Fields carry the Hugging Face component names (via
/// <see cref="TorchSharp.Utils.ComponentNameAttribute"/>), so <c>named_parameters()</c> yields exactly the checkpoint's state-dict keys;
/// <see cref="ReplaceParameter"/> lets the checkpoint loader swap placeholder parameters for loaded weights without
/// copying.
/// </summary>
public abstract class Blip2Module : nn.Module
{
    /// <summary>Creates a module with the given (diagnostic) name.</summary>
    protected Blip2Module(string name) : base(name)
    {
    }

    /// <summary>
    /// Replaces the parameter registered as <paramref name="componentName"/> (the field that holds it and the
    /// registration) by <paramref name="value"/>. The previous parameter is disposed.
    /// </summary>
    internal void ReplaceParameter(string componentName, Parameter value)
    {
        var field = FindParameterField(GetType(), componentName)
            ?? throw new InvalidOperationException($"{GetType().Name} has no parameter field named '{componentName}'.");
        var old = field.GetValue(this) as Parameter;
        field.SetValue(this, value);
        ConditionallyRegisterParameter(componentName, value);
        if (old is not null && !ReferenceEquals(old, value))
            old.Dispose();
    }

    private static FieldInfo? FindParameterField(Type? type, string componentName)
    {
        for (; type is not null && type != typeof(nn.Module); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (!typeof(Tensor).IsAssignableFrom(field.FieldType)) continue;
                string name = field.GetCustomAttribute<TorchSharp.Utils.ComponentNameAttribute>()?.Name ?? field.Name;
                if (name == componentName) return field;
            }
        }
        return null;
    }
}
