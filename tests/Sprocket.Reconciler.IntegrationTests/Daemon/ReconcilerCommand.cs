using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>What one run of the <c>sprocket-reconciler</c> CLI gave back.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>Runs the built CLI (<c>dotnet sprocket-reconciler.dll ARGS</c>) against the test Swarm, as the desired-state repo's CI or an operator would.</summary>
public static class ReconcilerCommand
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<CommandResult> RunAsync(params string[] arguments)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var result = await global::CliWrap.Cli.Wrap(DaemonProcess.DotnetHost)
            .WithArguments([DaemonProcess.DaemonDll, .. arguments])
            .WithEnvironmentVariables(variables => variables
                .Set("DOCKER_HOST", TestEnvironment.Current.DockerHost)
                .Set("ASPNETCORE_URLS", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(deadline.Token);
        return new CommandResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
