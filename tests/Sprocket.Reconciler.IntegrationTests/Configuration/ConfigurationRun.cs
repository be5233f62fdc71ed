using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using CommandResult = Sprocket.Reconciler.IntegrationTests.Daemon.CommandResult;

namespace Sprocket.Reconciler.IntegrationTests.Configuration;

/// <summary>
/// Runs the built CLI directly (<c>dotnet sprocket-reconciler.dll</c>, no <c>dotnet run</c>) with a configuration that
/// is meant to be refused before anything is contacted. Needs no test environment: DOCKER_HOST points at a socket
/// that does not exist, so a daemon that wrongly starts cannot touch the shared Swarm, and the deadline ends it.
/// </summary>
internal static class ConfigurationRun
{
    public const string Prefix = "sprocket-reconciler: configuration error: ";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary><c>run</c> on a loopback port with a repository and a DataDirectory in <paramref name="scratch"/>, then <paramref name="settings"/>.</summary>
    public static Task<CommandResult> DaemonAsync(string scratch, params string[] settings) => DaemonAsync(scratch, null, settings);

    /// <summary>As <see cref="DaemonAsync(string, string[])"/>, with <paramref name="environment"/> added to the process's environment.</summary>
    public static Task<CommandResult> DaemonAsync(string scratch, IReadOnlyDictionary<string, string?>? environment, params string[] settings) =>
        RunAsync(scratch, [
            "run", "--urls", "http://127.0.0.1:0",
            $"--Reconciler:DesiredState:Repository={Path.Combine(scratch, "desired")}",
            $"--Reconciler:DataDirectory={Path.Combine(scratch, "data")}",
            .. settings.Select(s => "--" + s),
        ], environment);

    /// <summary>Runs the CLI from <paramref name="workingDirectory"/>; <paramref name="environment"/> adds variables (null removes one).</summary>
    public static async Task<CommandResult> RunAsync(string workingDirectory, string[] arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            var result = await global::CliWrap.Cli.Wrap(DaemonProcess.DotnetHost)
                .WithArguments([DaemonProcess.DaemonDll, .. arguments])
                .WithWorkingDirectory(workingDirectory)
                .WithEnvironmentVariables(variables => variables
                    .Set("DOCKER_HOST", "unix:///nonexistent/sprocket-configuration-test.sock")
                    .Set("ASPNETCORE_URLS", null)
                    .Set(environment ?? new Dictionary<string, string?>()))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(deadline.Token);
            return new CommandResult(result.ExitCode, result.StandardOutput, result.StandardError);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The configuration was accepted and the daemon kept running: the failure the tests look for.
            return new CommandResult(-1, "", $"still running after {Deadline}: the configuration was not refused at start");
        }
    }

    /// <summary>Exit 2, one stderr line naming <paramref name="key"/>, and no stack trace on either stream.</summary>
    public static string AssertRefused(CommandResult result, string key)
    {
        Assert.True(result.ExitCode == 2, $"expected exit 2 for a bad {key}\n{result}");
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected exactly one stderr line\n{result}");
        Assert.StartsWith(Prefix, lines[0], StringComparison.Ordinal);
        Assert.Contains(key, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.False(HasTrace(result.StandardError) || HasTrace(result.StandardOutput), $"a stack trace was printed\n{result}");
        return lines[0];
    }

    private static bool HasTrace(string text) =>
        text.Split('\n').Any(line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal) && line.StartsWith("   ", StringComparison.Ordinal));
}
