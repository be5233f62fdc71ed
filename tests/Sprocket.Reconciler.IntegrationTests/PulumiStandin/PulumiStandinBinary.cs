using CliWrap;
using CliWrap.Buffered;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>
/// The stand-in `pulumi` executable (tests/pulumi-standin), built once per test run with `dotnet build`
/// (incremental: a no-op after a solution build). Building it in place rather than through a ProjectReference
/// keeps its apphost in its own folder, which goes first on PATH exactly as the real CLI's folder would.
/// </summary>
public static class PulumiStandinBinary
{
    private static readonly Lazy<Task<string>> BuiltOnce = new(BuildAsync);

    /// <summary>The folder holding the `pulumi` apphost: put it first on PATH and run `pulumi` by name.</summary>
    public static Task<string> DirectoryAsync() => BuiltOnce.Value;

    public static async Task<string> PathAsync() => Path.Combine(await DirectoryAsync(), "pulumi");

    private static async Task<string> BuildAsync()
    {
        var root = RepositoryRoot();
        var project = Path.Combine(root, "tests", "pulumi-standin", "Sprocket.PulumiStandin.csproj");
        var result = await global::CliWrap.Cli.Wrap("dotnet")
            .WithArguments(["build", project, "-c", "Debug", "--nologo", "-v", "quiet"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building the Pulumi stand-in failed:\n{result.StandardOutput}\n{result.StandardError}");
        }

        var output = Path.Combine(root, "tests", "pulumi-standin", "bin", "Debug", "net10.0");
        return File.Exists(Path.Combine(output, "pulumi"))
            ? output
            : throw new InvalidOperationException($"The stand-in build left no apphost at {output}/pulumi");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sprocket.Reconciler.sln"))) return folder.FullName;
        }

        throw new InvalidOperationException($"No Sprocket.Reconciler.sln above {AppContext.BaseDirectory}");
    }
}
