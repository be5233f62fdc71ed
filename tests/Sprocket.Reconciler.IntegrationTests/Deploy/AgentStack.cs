using System.Globalization;
using System.Text.Json;
using CliWrap;
using Sprocket.Reconciler.IntegrationTests.Leadership;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// The agent deployed the way README "Deploying" tells an operator to: a Docker config and a Docker secret made from
/// two JSON files, then <c>docker stack deploy -c config/sprocket-reconciler.stack.yml</c> with the image tag in
/// <c>SPROCKET_RECONCILER_TAG</c>, plus <see cref="OverrideFile"/> for what the test Swarm differs in. Everything carries
/// the test's prefix; disposing removes the stack, waits briefly for its task to stop and then kills it, then removes
/// the volume, config and secret.
/// </summary>
internal sealed class AgentStack : IAsyncDisposable
{
    public const int Port = 8080;

    /// <summary>The node label the stack file's placement constraint requires (<c>node.labels.sprocket-reconciler == true</c>).</summary>
    public const string NodeLabel = "sprocket-reconciler";

    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;
    private readonly ScratchDirectory _scratch = new();
    private readonly Dictionary<string, string> _deployEnvironment;
    private readonly DesiredStateRemote _repository;
    private bool _deployed;
    private bool _labelAdded;

    private AgentStack(string prefix, string image, DesiredStateRemote desiredState, string? user)
    {
        Prefix = prefix;
        _repository = desiredState;
        var (repository, tag) = SplitImage(image);
        Image = image;
        _deployEnvironment = new Dictionary<string, string>
        {
            ["SPROCKET_RECONCILER_IMAGE"] = repository,
            ["SPROCKET_RECONCILER_TAG"] = tag,
            ["SPROCKET_SANDBOX_DOCKER_SOCKET"] = new Uri(_environment.DockerHost).LocalPath,
            ["SPROCKET_SANDBOX_PREFIX"] = prefix,
        };
        if (user is not null) _deployEnvironment["SPROCKET_RECONCILER_USER"] = user;
        Api = new AgentApi(new Uri($"http://127.0.0.1:{Port}/"));
    }

    public static string StackFile => Path.Combine(PulumiTestPaths.RepositoryRoot, "config", "sprocket-reconciler.stack.yml");

    public static string OverrideFile =>
        Path.Combine(PulumiTestPaths.RepositoryRoot, "tests", "Sprocket.Reconciler.IntegrationTests", "Deploy", "sandbox.override.yml");

    public string Prefix { get; }

    /// <summary>The image the stack was deployed with: <c>registry/repository:tag</c>.</summary>
    public string Image { get; }

    public string StackName => Prefix + "agent";

    /// <summary>The stack's one service, <c>&lt;stack&gt;_reconciler</c>.</summary>
    public string ServiceName => StackName + "_reconciler";

    /// <summary>The stack's data volume, <c>&lt;stack&gt;_reconciler-data</c>.</summary>
    public string VolumeName => StackName + "_reconciler-data";

    public string ConfigName => Prefix + "settings-v1";

    public string SecretName => Prefix + "secrets-v1";

    public AgentApi Api { get; }

    public DockerCli Docker { get; } = DockerCli.ForTestEnvironment();

    /// <summary>
    /// README's steps 1 and 2: <c>docker config create</c> from the settings file, <c>docker secret create NAME -</c>
    /// with the secrets on stdin (never in a file). <paramref name="user"/> becomes SPROCKET_RECONCILER_USER;
    /// <paramref name="repository"/> is the desired-state repository the settings name, whose commits tell this test's
    /// agent's /readyz from anything else's.
    /// </summary>
    public static async Task<AgentStack> CreateAsync(
        string prefix, string image, string settingsJson, string secretsJson, DesiredStateRemote repository, string? user = null)
    {
        var stack = new AgentStack(prefix, image, repository, user);
        var settings = stack._scratch.Combine("settings.json");
        await File.WriteAllTextAsync(settings, settingsJson);
        await stack.Docker.RunAsync("config", "create", stack.ConfigName, settings);
        try
        {
            await DockerCommand.RunAsync(stack._environment.DockerHost, ["secret", "create", stack.SecretName, "-"],
                input: PipeSource.FromString(secretsJson));
        }
        catch
        {
            await stack.Docker.RunAsync("config", "rm", stack.ConfigName);
            stack._scratch.Dispose();
            throw;
        }

        return stack;
    }

    /// <summary>
    /// README's placement step, then its deploy step (detached: returns once the service is created, not when its task
    /// runs). The label goes on node 1, this engine's node, unless it is there already; disposing removes it only if
    /// this stack added it. With <paramref name="labelOnceRefused"/>, the stack is deployed first and the label added
    /// only once Swarm has refused to place the task without it; returns that refusal (null when the label was there).
    /// </summary>
    public async Task<string?> DeployAsync(bool labelOnceRefused = false)
    {
        // Otherwise another agent's answers would pass for this one's.
        if (await Api.ReadinessAsync() is { } answer)
            throw new InvalidOperationException($"something already answers /readyz on port {Port} ({answer.Code}): another agent runs on this host");
        LabelledNodeId = (await Docker.RunAsync("info", "--format", "{{.Swarm.NodeID}}")).Trim();
        var labelled = (await Docker.RunAsync("node", "inspect", "--format", $"{{{{index .Spec.Labels \"{NodeLabel}\"}}}}", LabelledNodeId)).Trim() == "true";
        if (labelled || !labelOnceRefused)
        {
            await LabelAsync(labelled);
            await StackDeployAsync();
            return null;
        }

        await StackDeployAsync();
        var refused = await Eventually.UntilValue(TasksAsync,
            tasks => tasks.Any(task => task.Error.Contains("no suitable node", StringComparison.Ordinal)), TimeSpan.FromSeconds(30),
            $"Swarm refusing to place {ServiceName} on an unlabelled node");
        await LabelAsync(labelled);
        return refused.First(task => task.Error.Length > 0).Error;

        async Task LabelAsync(bool already)
        {
            if (already) return;
            _labelAdded = true;
            await Docker.RunAsync("node", "update", "--label-add", $"{NodeLabel}=true", LabelledNodeId);
        }

        async Task StackDeployAsync()
        {
            _deployed = true;
            await DockerCommand.RunAsync(_environment.DockerHost,
                ["stack", "deploy", "--detach=true", "-c", StackFile, "-c", OverrideFile, StackName], _deployEnvironment);
        }
    }

    /// <summary>The node carrying <see cref="NodeLabel"/>=true once <see cref="DeployAsync"/> ran: where the task must be.</summary>
    public string? LabelledNodeId { get; private set; }

    /// <summary>
    /// Polls /readyz until 200 with a revision of this test's repository (commits are unique to the run: another
    /// process answering on the port does not pass); a timeout shows the tasks' states and the tail of their logs.
    /// </summary>
    public async Task<ReadinessView> WaitForReadyAsync(TimeSpan timeout, string what)
    {
        try
        {
            return await Api.WaitForReadyAsync(timeout, what, _repository.HasCommitAsync);
        }
        catch (TimeoutException exception)
        {
            var tasks = string.Join('\n', (await TasksAsync()).Select(task => $"{task.Id} {task.Image} {task.DesiredState}/{task.State}"));
            var logs = string.Join('\n', (await LogsAsync()).Split('\n').TakeLast(30));
            throw new TimeoutException($"{exception.Message}\n--- tasks ---\n{tasks}\n--- logs (tail) ---\n{logs}", exception);
        }
    }

    /// <summary>The merged stack file as <c>docker stack config</c> prints it (what <see cref="DeployAsync"/> deploys).</summary>
    public Task<string> ConfigAsync() =>
        DockerCommand.RunAsync(_environment.DockerHost, ["stack", "config", "-c", StackFile, "-c", OverrideFile], _deployEnvironment);

    /// <summary><c>docker service update --detach --image IMAGE</c> of the agent: the upgrade.</summary>
    public Task UpgradeAsync(string image) => Docker.UpdateImageAsync(ServiceName, image);

    /// <summary>
    /// The service's <c>UpdateStatus.State</c> (<c>updating</c>, <c>completed</c>, <c>rollback_started</c>, …), or ""
    /// before any update.
    /// </summary>
    public async Task<string> UpdateStateAsync() =>
        (await Docker.RunAsync("service", "inspect", "--format", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}", ServiceName)).Trim();

    /// <summary><c>docker service update --detach --rollback</c> of the agent itself.</summary>
    public Task RollBackAsync() => Docker.RollbackAsync(ServiceName);

    /// <summary>Everything the agent's tasks wrote to stdout and stderr: <c>docker service logs --raw</c>.</summary>
    public async Task<string> LogsAsync()
    {
        // The CLI copies the tasks' stdout and stderr to its own two streams: both count.
        var (standardOutput, standardError) = await DockerCommand.RunForBothStreamsAsync(
            _environment.DockerHost, ["service", "logs", "--raw", ServiceName]);
        return standardOutput + standardError;
    }

    /// <summary>
    /// <see cref="LogsAsync"/> once it shows <paramref name="marker"/>: <c>docker service logs</c> without
    /// <c>--follow</c> can answer nothing at all for a task that has logged plenty (seen for a task still
    /// <c>starting</c>, before its first health check), so an assertion on what the logs lack needs logs first.
    /// </summary>
    public Task<string> LogsShowingAsync(string marker) =>
        Eventually.UntilValue(LogsAsync, logs => logs.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(60),
            $"{ServiceName}'s logs showing {marker}");

    /// <summary>The agent's tasks, newest first, as the Engine API's task objects.</summary>
    public async Task<IReadOnlyList<AgentTask>> TasksAsync()
    {
        var ids = (await Docker.RunAsync("service", "ps", "--no-trunc", "--quiet", ServiceName))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length == 0) return [];
        using var document = JsonDocument.Parse(await Docker.RunAsync(["inspect", "--type", "task", .. ids]));
        return document.RootElement.EnumerateArray().Select(AgentTask.From).OrderByDescending(task => task.CreatedAt).ToList();
    }

    /// <summary>
    /// The task meant to run now, once it has a container: desired state running, whatever its current state. Swarm
    /// shows it <c>starting</c> until the first health check passes (30 s in), long after its container serves.
    /// </summary>
    public async Task<AgentTask?> RunningTaskAsync() =>
        (await TasksAsync()).FirstOrDefault(task => task is { DesiredState: "running", ContainerId.Length: > 0 });

    /// <summary>The data volume's directory on the host (root reads the agent's SQLite there).</summary>
    public async Task<string> VolumeDirectoryAsync() =>
        (await Docker.RunAsync("volume", "inspect", "--format", "{{.Mountpoint}}", VolumeName)).Trim();

    /// <summary>The container of a task as <c>docker container inspect</c> shows it: user, exit code, when it ended.</summary>
    public async Task<AgentContainer> ContainerAsync(AgentTask task)
    {
        using var document = JsonDocument.Parse(await Docker.RunAsync("container", "inspect", task.ContainerId));
        var container = document.RootElement[0];
        var state = container.GetProperty("State");
        return new AgentContainer(
            container.GetProperty("Config").GetProperty("User").GetString() ?? "",
            state.GetProperty("ExitCode").GetInt32(),
            DateTimeOffset.Parse(state.GetProperty("FinishedAt").GetString()!, CultureInfo.InvariantCulture),
            container.GetProperty("Config").GetProperty("Image").GetString() ?? "");
    }

    /// <summary>The containers of the agent's tasks on this engine, running or not.</summary>
    private async Task<IReadOnlyList<string>> ContainerIdsAsync() =>
        (await Docker.RunAsync("ps", "--all", "--quiet", "--filter", $"label=com.docker.swarm.service.name={ServiceName}"))
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (string Repository, string Tag) SplitImage(string image)
    {
        var colon = image.LastIndexOf(':');
        if (colon < 0 || colon < image.LastIndexOf('/'))
            throw new ArgumentException($"{image} names no tag", nameof(image));
        return (image[..colon], image[(colon + 1)..]);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        var failures = new List<Exception>();
        if (_deployed)
        {
            await Try(() => Docker.RunAsync("stack", "rm", StackName));
            // A task stops with its own spec's stop grace period (12 min) even after `service update
            // --stop-grace-period` or `stack rm`: an idle daemon exits within seconds of SIGTERM, but one left mid-apply
            // by a failed test would hold the volume for minutes. After a short wait its container is killed.
            await Try(async () =>
            {
                try
                {
                    await Eventually.Until(async () => (await ContainerIdsAsync()).Count == 0,
                        TimeSpan.FromSeconds(30), $"the containers of {ServiceName} stopped after SIGTERM");
                }
                catch (TimeoutException)
                {
                    if (await ContainerIdsAsync() is { Count: > 0 } left) await Docker.RunAsync(["rm", "--force", .. left]);
                }
            });
            await Try(() => Eventually.Until(async () =>
            {
                try
                {
                    await Docker.RunAsync("volume", "rm", VolumeName);
                    return true;
                }
                catch (DockerCliException exception) when (exception.StandardError.Contains("in use", StringComparison.Ordinal))
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), $"volume {VolumeName} removed"));
        }

        // After the task is gone: without the label Swarm would stop it at once (constraint enforcement).
        if (_labelAdded) await Try(() => Docker.RunAsync("node", "update", "--label-rm", NodeLabel, LabelledNodeId!));
        await Try(() => Docker.RunAsync("secret", "rm", SecretName));
        await Try(() => Docker.RunAsync("config", "rm", ConfigName));
        _scratch.Dispose();
        if (failures.Count > 0) throw new AggregateException($"Could not remove all of stack {StackName}", failures);

        async Task Try(Func<Task> step)
        {
            try
            {
                await step();
            }
            catch (DockerCliException exception) when (exception.StandardError.Contains("not found", StringComparison.OrdinalIgnoreCase)
                                                      || exception.StandardError.Contains("No such", StringComparison.OrdinalIgnoreCase))
            {
                // Already gone.
            }
            catch (Exception exception) when (exception is DockerCliException or TimeoutException)
            {
                failures.Add(exception);
            }
        }
    }
}

/// <summary>One Swarm task of the agent's service.</summary>
internal sealed record AgentTask(
    string Id, DateTimeOffset CreatedAt, string DesiredState, string State, string Image, string ContainerId, long Version, string NodeId,
    string Error)
{
    public static AgentTask From(JsonElement task)
    {
        var status = task.GetProperty("Status");
        var containerId = status.TryGetProperty("ContainerStatus", out var container) && container.TryGetProperty("ContainerID", out var id)
            ? id.GetString() ?? ""
            : "";
        return new AgentTask(
            task.GetProperty("ID").GetString()!,
            DateTimeOffset.Parse(task.GetProperty("CreatedAt").GetString()!, CultureInfo.InvariantCulture),
            task.GetProperty("DesiredState").GetString()!,
            status.GetProperty("State").GetString()!,
            task.GetProperty("Spec").GetProperty("ContainerSpec").GetProperty("Image").GetString()!,
            containerId,
            task.GetProperty("Version").GetProperty("Index").GetInt64(),
            // A task not yet scheduled has no node.
            task.TryGetProperty("NodeID", out var node) ? node.GetString() ?? "" : "",
            // Why it is not running: "no suitable node (…)" while no node meets its constraints.
            status.TryGetProperty("Err", out var error) ? error.GetString() ?? "" : "");
    }
}

/// <summary>What <c>docker container inspect</c> says of an agent task's container.</summary>
internal sealed record AgentContainer(string User, int ExitCode, DateTimeOffset FinishedAt, string Image);
