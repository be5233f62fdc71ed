using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

/// <summary>
/// The docker CLI against the test engine (DOCKER_HOST of the test environment). Tests use it to
/// play the on-call engineer (`docker service update --rollback`) and to arrange and inspect
/// services independently of the code under test, which talks to the Engine API itself.
/// </summary>
public sealed class DockerCli(string dockerHost)
{
    /// <summary>
    /// Added to every service this class creates: `sleep` as PID 1 ignores SIGTERM, so with the
    /// default 10 s grace period every task replacement (update, rollback) would take 10 s longer.
    /// Pass your own <c>--stop-grace-period</c> in the extra arguments to override it.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultCreateArguments = ["--stop-grace-period", "1s"];

    public static DockerCli ForTestEnvironment() => new(TestEnvironment.Current.DockerHost);

    public string DockerHost { get; } = dockerHost;

    /// <summary>Runs <c>docker ARGUMENTS</c>; returns stdout; throws <see cref="DockerCliException"/> with stderr on failure.</summary>
    public async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var argumentList = arguments.ToList();
        var result = await global::CliWrap.Cli.Wrap("docker")
            .WithArguments(argumentList)
            .WithEnvironmentVariables(variables => variables.Set("DOCKER_HOST", DockerHost))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new DockerCliException($"docker {string.Join(' ', argumentList)}", result.ExitCode, result.StandardError);
        }

        return result.StandardOutput;
    }

    public Task<string> RunAsync(params string[] arguments) => RunAsync(arguments, CancellationToken.None);

    /// <summary>
    /// `docker service create --detach` (returns once the spec is stored, not when tasks run).
    /// The CLI resolves a tag to <c>repo:tag@sha256:…</c> in the spec unless
    /// <c>--no-resolve-image</c> is among <paramref name="extraArguments"/>. Returns the service id.
    /// </summary>
    public async Task<string> CreateServiceAsync(
        string name, string image, IEnumerable<string>? extraArguments = null, CancellationToken cancellationToken = default)
    {
        // Extra arguments come after the defaults: for a repeated flag the CLI keeps the last value.
        string[] arguments =
        [
            "service", "create", "--detach", "--quiet", "--name", name,
            .. DefaultCreateArguments, .. extraArguments ?? [], image,
        ];
        return (await RunAsync(arguments, cancellationToken)).Trim();
    }

    /// <summary>`docker service update --detach --image IMAGE NAME`.</summary>
    public Task<string> UpdateImageAsync(
        string name, string image, IEnumerable<string>? extraArguments = null, CancellationToken cancellationToken = default) =>
        RunAsync(["service", "update", "--detach", "--quiet", "--image", image, .. extraArguments ?? [], name], cancellationToken);

    /// <summary>What the on-call engineer types: `docker service update --rollback` (detached).</summary>
    public Task<string> RollbackAsync(string name, CancellationToken cancellationToken = default) =>
        RunAsync(["service", "update", "--detach", "--quiet", "--rollback", name], cancellationToken);

    public Task<string> RemoveServiceAsync(string name, CancellationToken cancellationToken = default) =>
        RunAsync(["service", "rm", name], cancellationToken);

    /// <summary>The service object of `docker service inspect NAME` (the array's only element).</summary>
    public async Task<JsonElement> InspectServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        var json = await RunAsync(["service", "inspect", name], cancellationToken);
        using var document = JsonDocument.Parse(json);
        return document.RootElement[0].Clone();
    }

    public async Task<ServiceSnapshot> SnapshotServiceAsync(string name, CancellationToken cancellationToken = default) =>
        ServiceSnapshot.From(await InspectServiceAsync(name, cancellationToken));

    /// <summary>Names of services whose name starts with <paramref name="prefix"/> (Swarm's name filter is a prefix match).</summary>
    public async Task<IReadOnlyList<string>> ListServiceNamesAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var output = await RunAsync(["service", "ls", "--filter", $"name={prefix}", "--format", "{{.Name}}"], cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>How many of the service's tasks that should run are actually running.</summary>
    public async Task<int> RunningTaskCountAsync(string name, CancellationToken cancellationToken = default)
    {
        var output = await RunAsync(
            ["service", "ps", name, "--filter", "desired-state=running", "--format", "{{.CurrentState}}"], cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Count(state => state.StartsWith("Running", StringComparison.Ordinal));
    }
}
