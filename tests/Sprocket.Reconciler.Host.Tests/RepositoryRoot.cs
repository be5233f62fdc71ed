namespace Sprocket.Reconciler.Host.Tests;

/// <summary>The checkout's root, found from the test binary upwards: config/ and docs/ are not copied to the output.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Sprocket.Reconciler.sln"))) return dir.FullName;
        }

        throw new DirectoryNotFoundException("Sprocket.Reconciler.sln not found above " + AppContext.BaseDirectory);
    }
}
