using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Git;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Pulumi;

/// <summary>
/// `run` refuses, at start, a Pulumi CLI older than 3.91.0 (the first with `pulumi install`, which every
/// apply may run): one line on stderr and the exit code of every other start-up configuration error.
/// </summary>
public sealed class PulumiStartupVersionTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task A_cli_older_than_3_91_0_stops_the_daemon_at_start_with_one_configuration_error_line()
    {
        var result = await RunDaemonAsync(cliVersion: "v3.90.1");

        Assert.Equal(2, result.ExitCode); // ExitCodes.InvalidOrUnreachable, as for options validation failures
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("sprocket-reconciler: configuration error: ", line, StringComparison.Ordinal);
        Assert.Contains("3.90.1", line, StringComparison.Ordinal);
        Assert.Contains("at least 3.91.0", line, StringComparison.Ordinal);
        Assert.Contains("Reconciler:Pulumi:Binary", line, StringComparison.Ordinal);
    }

    private async Task<CommandResult> RunDaemonAsync(string cliVersion)
    {
        var repository = await WorkRepository.InitAsync(_scratch.Combine("desired"));
        await repository.CommitFileAsync(DesiredStateYaml.FileName, DesiredStateYaml.Render(), "empty desired state");
        var bin = _scratch.Combine("bin");
        Directory.CreateDirectory(bin);
        var script = Path.Combine(bin, "pulumi");
        File.WriteAllText(script, $"#!/bin/sh\n[ \"$1\" = version ] && echo {cliVersion}\nexit 0\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        return await ReconcilerCommand.RunAsync(
            "run", "--urls", "http://127.0.0.1:0",
            $"--Reconciler:DesiredState:Repository={repository.Directory}",
            $"--Reconciler:DataDirectory={_scratch.Combine("data")}",
            $"--Reconciler:Pulumi:Binary={script}");
    }

    public void Dispose() => _scratch.Dispose();
}
