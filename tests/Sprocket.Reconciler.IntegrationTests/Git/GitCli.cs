using CliWrap;
using CliWrap.Buffered;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>The real git CLI, with identity and defaults pinned so tests do not depend on the machine's config.</summary>
internal static class GitCli
{
    public static Task<string> RunAsync(string workingDirectory, params string[] arguments) =>
        RunAsync(workingDirectory, PipeSource.Null, arguments);

    public static async Task<string> RunAsync(string workingDirectory, PipeSource input, params string[] arguments)
    {
        var result = await global::CliWrap.Cli.Wrap("git")
            .WithStandardInputPipe(input)
            .WithArguments([
                "-c", "user.name=Sprocket Test", "-c", "user.email=test@sprocket.invalid",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", .. arguments])
            .WithWorkingDirectory(workingDirectory)
            .ExecuteBufferedAsync();
        return result.StandardOutput.Trim();
    }
}
