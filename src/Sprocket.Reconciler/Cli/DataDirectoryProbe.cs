namespace Sprocket.Reconciler.Cli;

/// <summary>
/// Proves at start that <c>Reconciler:DataDirectory</c> can hold the state database and the clones, by creating it
/// and writing a file in it. Without this the first writer to fail said only "SQLite Error 14", or a folder under a
/// regular file failed the host start with a trace.
/// </summary>
public static class DataDirectoryProbe
{
    public static readonly string Key = Hosting.ReconcilerOptions.Key(nameof(Hosting.ReconcilerOptions.DataDirectory));
    private const string ProbeFileName = ".sprocket-write-probe";

    /// <summary>Null when the folder is writable (or not set: the options validators name a missing one).</summary>
    public static string? Problem(string? dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(dataDirectory)) return null;
        string full;
        try
        {
            full = Path.GetFullPath(dataDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"{Key}: '{dataDirectory}' is not a usable path ({ex.Message})";
        }

        if (BlockingFile(full) is { } file) return $"{Key}: '{full}' cannot be a folder: '{file}' is a file";
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, ProbeFileName);
            File.WriteAllText(probe, "sprocket-reconciler start-up write check\n");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{Key}: '{full}' is not a writable folder ({ex.GetType().Name}: {ex.Message})";
        }
    }

    /// <summary>The path itself or the first of its parents that exists as a regular file, if any.</summary>
    private static string? BlockingFile(string full)
    {
        for (var path = full; !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            if (File.Exists(path)) return path;
            if (Directory.Exists(path)) return null;
        }

        return null;
    }
}
