namespace Sprocket.Reconciler.IntegrationTests.Apply.Pulumi;

/// <summary>
/// The stand-in <c>pulumi</c> (tests/pulumi-standin, AssemblyName <c>pulumi</c>): named by
/// <c>SPROCKET_PULUMI_STANDIN</c>, else found in that project's build output. Null when neither exists,
/// which skips <see cref="PulumiStandInEndToEndTests"/>.
/// </summary>
internal static class PulumiStandIn
{
    public const string Variable = "SPROCKET_PULUMI_STANDIN";

    public static string? Binary { get; } = Find();

    private static string? Find()
    {
        var named = System.Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(named))
            return File.Exists(named) ? Path.GetFullPath(named) : null;

        var project = Path.Combine(PulumiTestPaths.RepositoryRoot, "tests", "pulumi-standin");
        if (!Directory.Exists(project))
            return null;
        return Directory.EnumerateFiles(project, "pulumi", SearchOption.AllDirectories)
            .Where(path => path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
    }
}

/// <summary>A fact that runs only once the stand-in has been built (after the merge that brings it).</summary>
internal sealed class StandInFactAttribute : FactAttribute
{
    public StandInFactAttribute()
    {
        if (PulumiStandIn.Binary is null)
            Skip = $"The pulumi stand-in is not built here: build tests/pulumi-standin or set {PulumiStandIn.Variable}.";
    }
}
