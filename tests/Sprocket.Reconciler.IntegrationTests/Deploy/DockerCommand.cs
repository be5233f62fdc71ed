using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// The docker CLI with environment variables of its own, as an operator's shell has them when running
/// <c>docker stack deploy</c> (the stack files read <c>SPROCKET_RECONCILER_TAG</c> and friends).
/// </summary>
internal static class DockerCommand
{
    public static async Task<string> RunAsync(
        string dockerHost, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, PipeSource? input = null) =>
        (await RunForBothStreamsAsync(dockerHost, arguments, environment, workingDirectory, input)).StandardOutput;

    /// <summary>As <see cref="RunAsync"/>, returning stderr too (where <c>docker logs</c> copies a container's stderr).</summary>
    public static async Task<(string StandardOutput, string StandardError)> RunForBothStreamsAsync(
        string dockerHost, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, PipeSource? input = null)
    {
        var command = global::CliWrap.Cli.Wrap("docker")
            .WithArguments(arguments)
            .WithEnvironmentVariables(variables =>
            {
                variables.Set("DOCKER_HOST", dockerHost);
                foreach (var (name, value) in environment ?? new Dictionary<string, string>()) variables.Set(name, value);
            })
            .WithStandardInputPipe(input ?? PipeSource.Null)
            .WithValidation(CommandResultValidation.None);
        if (workingDirectory is not null) command = command.WithWorkingDirectory(workingDirectory);
        var result = await command.ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new DockerCliException($"docker {string.Join(' ', arguments)}", result.ExitCode, result.StandardError);
        return (result.StandardOutput, result.StandardError);
    }
}
