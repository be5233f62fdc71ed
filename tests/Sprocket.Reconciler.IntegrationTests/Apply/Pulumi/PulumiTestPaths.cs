namespace Sprocket.Reconciler.IntegrationTests.Apply.Pulumi;

/// <summary>Where the parser fixtures live: this folder's TestData, and the recorded real-CLI events in
/// <c>../shared/fixtures/pulumi</c> beside the checkout (as CI lays it out).</summary>
internal static class PulumiTestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string TestData(string name) =>
        Path.Combine(RepositoryRoot, "tests", "Sprocket.Reconciler.IntegrationTests", "Apply", "Pulumi", "TestData", name);

    public static string SharedFixture(string name) =>
        Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures", "pulumi", name));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Sprocket.Reconciler.sln")))
                return directory.FullName;
        throw new DirectoryNotFoundException("Sprocket.Reconciler.sln not found above " + AppContext.BaseDirectory);
    }
}
