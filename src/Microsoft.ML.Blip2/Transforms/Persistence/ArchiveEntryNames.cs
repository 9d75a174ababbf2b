namespace Microsoft.ML.Blip2.Transforms.Persistence;

/// <summary>
/// Names inside the zip. Entries are untrusted on load: only plain file names made of letters, digits, '.', '_' and
/// '-' are accepted (no directories, no "..", no absolute or drive paths), and extraction stays inside its folder.
/// </summary>
internal static class ArchiveEntryNames
{
    /// <summary>Sub-folder of a model's directory holding everything this library writes.</summary>
    public const string Folder = "Blip2";

    /// <summary>The manifest entry, relative to <see cref="Prefix"/>.</summary>
    public const string Manifest = "manifest.json";

    /// <summary>Folder of the stored files, relative to <see cref="Prefix"/>.</summary>
    public const string FilesFolder = "files/";

    /// <summary>Entry-name prefix of a model saved in ML.NET directory <paramref name="modelDirectory"/>.</summary>
    public static string Prefix(string modelDirectory)
    {
        string directory = Normalize(modelDirectory).Trim('/');
        return directory.Length == 0 ? Folder + "/" : $"{directory}/{Folder}/";
    }

    /// <summary>Entry names with '/' separators (ML.NET writes the platform's separator).</summary>
    public static string Normalize(string entryName) => entryName.Replace('\\', '/');

    /// <summary>True for a plain, harmless file name.</summary>
    public static bool IsSafeFileName(string name) =>
        name.Length is > 0 and <= 200
        && name != "." && name != ".."
        && name[0] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="name"/> unless it is a safe file name.</summary>
    public static void RequireSafeFileName(string name, string context)
    {
        if (!IsSafeFileName(name))
            throw new InvalidDataException($"{context}: '{name}' is not an acceptable file name (plain names of letters, digits, '.', '_' and '-' only).");
    }

    /// <summary>
    /// The full path of <paramref name="name"/> inside <paramref name="directory"/>; throws when it would resolve
    /// anywhere else.
    /// </summary>
    public static string PathInside(string directory, string name)
    {
        RequireSafeFileName(name, "Model zip");
        string root = Path.GetFullPath(directory);
        string full = Path.GetFullPath(Path.Combine(root, name));
        if (!string.Equals(Path.GetDirectoryName(full), root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
            throw new InvalidDataException($"Model zip: '{name}' would be extracted outside '{root}'.");
        return full;
    }
}
