namespace Sprocket.Reconciler.Testing;

/// <summary>Where the parser fixtures live: this folder's TestData, and the recorded real-CLI events in
/// TestData/recorded — streams from pulumi/pulumi's display test data (pkg/backend/display/testdata/, Apache-2.0),
/// kept in the repository so the tests depend on nothing beside the checkout.</summary>
internal static class PulumiTestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string TestData(string name) =>
        Path.Combine(RepositoryRoot, "tests", "Sprocket.Reconciler.Host.Tests", "Apply", "Pulumi", "TestData", name);

    public static string SharedFixture(string name) =>
        TestData(Path.Combine("recorded", name));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Sprocket.Reconciler.sln")))
                return directory.FullName;
        throw new DirectoryNotFoundException("Sprocket.Reconciler.sln not found above " + AppContext.BaseDirectory);
    }
}
