using Microsoft.ML.Data;

namespace Microsoft.ML.Blip2.Transforms.Data;

/// <summary>The input columns a task reads, resolved and type-checked against an input schema.</summary>
internal sealed class InputBinding
{
    private InputBinding(DataViewSchema.Column image, ImageColumnKind imageKind, DataViewSchema.Column? text)
    {
        Image = image;
        ImageKind = imageKind;
        Text = text;
    }

    /// <summary>The image column.</summary>
    public DataViewSchema.Column Image { get; }

    /// <summary>How the image column holds images.</summary>
    public ImageColumnKind ImageKind { get; }

    /// <summary>The question/text column, if the task has one.</summary>
    public DataViewSchema.Column? Text { get; }

    /// <summary>The input columns the task reads.</summary>
    public IEnumerable<DataViewSchema.Column> Columns => Text is { } text ? [Image, text] : [Image];

    /// <summary>
    /// Resolves the task's input columns in <paramref name="schema"/>; a missing column or a column of the wrong type
    /// throws <see cref="ArgumentOutOfRangeException"/> naming it.
    /// </summary>
    public static InputBinding Bind(DataViewSchema schema, string imageColumnName, string? textColumnName)
    {
        var image = Find(schema, imageColumnName, "image");
        var kind = ImageColumnTypes.Classify(image.Type)
            ?? throw Mismatch(imageColumnName, "image", ImageColumnTypes.Expected, image.Type.ToString() ?? "?");
        DataViewSchema.Column? text = null;
        if (textColumnName is not null)
        {
            text = Find(schema, textColumnName, "text");
            if (text.Value.Type is not TextDataViewType)
                throw Mismatch(textColumnName, "text", "Text", text.Value.Type.ToString() ?? "?");
        }

        return new InputBinding(image, kind, text);
    }

    /// <summary>The same checks on the schema shape an estimator gets.</summary>
    public static void Check(SchemaShape shape, string imageColumnName, string? textColumnName)
    {
        var image = Find(shape, imageColumnName, "image");
        if (ImageColumnTypes.Classify(image) is null)
            throw Mismatch(imageColumnName, "image", ImageColumnTypes.Expected, Describe(image));
        if (textColumnName is not null)
        {
            var text = Find(shape, textColumnName, "text");
            if (text.Kind != SchemaShape.Column.VectorKind.Scalar || text.ItemType is not TextDataViewType)
                throw Mismatch(textColumnName, "text", "Text", Describe(text));
        }
    }

    /// <summary>The label (target text) column of fine-tuning; missing or not text throws <see cref="ArgumentOutOfRangeException"/> naming it.</summary>
    public static DataViewSchema.Column BindLabel(DataViewSchema schema, string labelColumnName)
    {
        var label = Find(schema, labelColumnName, "label");
        if (label.Type is not TextDataViewType)
            throw Mismatch(labelColumnName, "label", "Text", label.Type.ToString() ?? "?");
        return label;
    }

    /// <summary>The same check on a schema shape.</summary>
    public static void CheckLabel(SchemaShape shape, string labelColumnName)
    {
        var label = Find(shape, labelColumnName, "label");
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType is not TextDataViewType)
            throw Mismatch(labelColumnName, "label", "Text", Describe(label));
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role) =>
        schema.GetColumnOrNull(name) ?? throw NotFound(name, role, schema.Where(c => !c.IsHidden).Select(c => c.Name));

    private static SchemaShape.Column Find(SchemaShape shape, string name, string role)
    {
        foreach (var column in shape)
        {
            if (column.Name == name)
                return column;
        }

        throw NotFound(name, role, shape.Select(c => c.Name));
    }

    private static string Describe(SchemaShape.Column column) =>
        (column.Kind == SchemaShape.Column.VectorKind.Scalar ? column.ItemType?.ToString() : $"Vector<{column.ItemType}>") ?? "?";

    private static ArgumentOutOfRangeException NotFound(string name, string role, IEnumerable<string> available) =>
        new("inputSchema", $"The {role} column '{name}' was not found in the input schema (columns: {string.Join(", ", available)}).");

    private static ArgumentOutOfRangeException Mismatch(string name, string role, string expected, string actual) =>
        new("inputSchema", $"The {role} column '{name}' has type {actual}; expected {expected}.");
}
