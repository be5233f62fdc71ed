using System.Text;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.PulumiStandin;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>One call of the stand-in as its calls log records it (<c>SPROCKET_STANDIN_CALLS</c>).</summary>
public sealed record StandinCall(IReadOnlyList<string> Argv, int ExitCode)
{
    /// <summary>The stand-in's process id, and when it started and ended (absent from older records).</summary>
    public int Pid { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>True when the call's arguments begin with <paramref name="words"/> (<c>"up"</c>, <c>"config", "set"</c>).</summary>
    public bool Is(params string[] words) => Argv.Count >= words.Length && Argv.Take(words.Length).SequenceEqual(words);

    public bool IsUp => Is("up");

    public override string ToString() => $"{string.Join(' ', Argv)} -> {ExitCode}";
}

/// <summary>
/// One test's Pulumi side, as production has it: a program repository in git (Pulumi YAML, one docker:Service per
/// service, image <c>repo:${image-tag}</c>), a file backend with the stack already initialised and deployed once by
/// "CI" (the stand-in run by the test), and the daemon configured to drive the stand-in through
/// <c>Reconciler:Pulumi:*</c>. Every stand-in call, the test's and the daemon's, lands in one calls log.
/// </summary>
internal sealed class PulumiWorld : IDisposable
{
    public const string Project = "platform";
    public const string Stack = "prod";
    private const string Passphrase = "reconcile-e2e-passphrase";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sprocket-pulumi-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _binary;
    private bool _initialised;

    private PulumiWorld(string binary, WorkRepository program)
    {
        _binary = binary;
        Program = program;
        Directory.CreateDirectory(StateDirectory);
    }

    public WorkRepository Program { get; }

    public string StateDirectory => Path.Combine(_root, "state");

    public string CallsFile => Path.Combine(_root, "calls.jsonl");

    /// <summary>One line per stand-in call when it starts (SPROCKET_STANDIN_STARTS): a call killed before its end is still seen.</summary>
    public string StartsFile => Path.Combine(_root, "starts.jsonl");

    /// <summary>A scratch path inside this world's folder (e.g. for SPROCKET_STANDIN_HANG_WHILE), removed with it.</summary>
    public string PathFor(string name) => Path.Combine(_root, name);

    /// <summary>Where the DIY backend keeps the stack's lock files (a file here is "another process holds the lock").</summary>
    public string LockDirectory => Path.Combine(StateDirectory, ".pulumi", "locks", "organization", Project, Stack);

    public PulumiBlock Block => new(Project, Stack, Program.Directory);

    /// <summary>Commits the program for <paramref name="services"/> (Swarm name, registry repository, rollback on failure).</summary>
    /// <param name="monitor">The update monitor of services that do not roll back on failure; 1 s unless given.</param>
    public static async Task<PulumiWorld> CreateAsync(IEnumerable<(string ServiceName, string Repository, bool RollbackOnFailure)> services, string? monitor = null)
    {
        var binary = await PulumiStandinBinary.PathAsync();
        var root = Path.Combine(Path.GetTempPath(), "sprocket-pulumi-program-" + Guid.NewGuid().ToString("N")[..10]);
        var program = await WorkRepository.InitAsync(root);
        var yaml = new StringBuilder($"name: {Project}\nruntime: yaml\nconfig:\n  image-tag:\n    type: string\nresources:\n");
        var index = 0;
        foreach (var (serviceName, repository, rollback) in services)
        {
            yaml.Append($"  service{index++}:\n    type: docker:Service\n    properties:\n      name: {serviceName}\n")
                .Append($"      taskSpec:\n        containerSpec:\n          image: {repository}:${{image-tag}}\n");
            // A short monitor, as for the services the docker CLI creates: Swarm's default 5 s would pad every update.
            yaml.Append(rollback
                ? "      updateConfig:\n        failureAction: rollback\n        monitor: 2s\n"
                : $"      updateConfig:\n        monitor: {monitor ?? "1s"}\n");
        }

        // The stack files the CLI writes next to Pulumi.yaml stay out of the program's history, as CI would leave them.
        await program.CommitFileAsync(".gitignore", "Pulumi.*.yaml\n", "ignore stack files");
        await program.CommitFileAsync("Pulumi.yaml", yaml.ToString(), "the program");
        return new PulumiWorld(binary, program);
    }

    /// <summary>What CI did before the daemon ever ran: <c>stack init</c> (once), <c>config set image-tag</c>, <c>up</c>.</summary>
    public async Task DeployAsync(string tag)
    {
        if (!_initialised) await RunAsync("stack", "init", "--stack", Stack);
        _initialised = true;
        await RunAsync("config", "set", "image-tag", "--plaintext", "--stack", Stack, "--", tag);
        await RunAsync("up", "--yes", "--skip-preview", "--stack", Stack);
    }

    /// <summary>The daemon's configuration for the stand-in; <paramref name="switches"/> are stand-in variables (SPROCKET_STANDIN_*).</summary>
    public IReadOnlyList<string> DaemonArguments(params (string Name, string Value)[] switches)
    {
        var environment = new List<(string, string)>
        {
            ("PULUMI_BACKEND_URL", "file://" + StateDirectory),
            ("PULUMI_CONFIG_PASSPHRASE", Passphrase),
            ("PULUMI_HOME", Path.Combine(_root, "daemon-home")),
            ("DOCKER_HOST", TestEnvironment.Current.DockerHost),
            ("SPROCKET_STANDIN_CALLS", CallsFile),
            ("SPROCKET_STANDIN_STARTS", StartsFile),
            ("SPROCKET_STANDIN_CONVERGE_TIMEOUT", "30"),
        };
        environment.AddRange(switches);
        return
        [
            $"--Reconciler:Pulumi:Binary={_binary}",
            "--Reconciler:Pulumi:EventLogPollInterval=00:00:00.100",
            .. environment.Select(variable => $"--Reconciler:Pulumi:Environment:{variable.Item1}={variable.Item2}"),
        ];
    }

    /// <summary>Every call recorded so far, oldest first.</summary>
    public IReadOnlyList<StandinCall> Calls()
    {
        if (!File.Exists(CallsFile)) return [];
        using var stream = new FileStream(CallsFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var calls = new List<StandinCall>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var node = JsonNode.Parse(line)!;
            calls.Add(new StandinCall(node["argv"]!.AsArray().Select(argument => argument!.ToString()).ToList(), (int)node["exitCode"]!)
            {
                Pid = node["pid"]?.GetValue<int>() ?? 0,
                StartedAt = node["startedAt"] is { } started ? DateTimeOffset.Parse(started.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null,
                EndedAt = node["endedAt"] is { } ended ? DateTimeOffset.Parse(ended.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null,
            });
        }

        return calls;
    }

    /// <summary>Every call as it started (argv, pid, start), oldest first; see <see cref="StartsFile"/>.</summary>
    public IReadOnlyList<(IReadOnlyList<string> Argv, int Pid, DateTimeOffset StartedAt)> Starts()
    {
        if (!File.Exists(StartsFile)) return [];
        using var stream = new FileStream(StartsFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var starts = new List<(IReadOnlyList<string>, int, DateTimeOffset)>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var node = JsonNode.Parse(line)!;
            starts.Add((node["argv"]!.AsArray().Select(argument => argument!.ToString()).ToList(), node["pid"]!.GetValue<int>(),
                DateTimeOffset.Parse(node["startedAt"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return starts;
    }

    /// <summary>The process ids the stack's lock files name (pkg/backend/diy/lock.go lockContent).</summary>
    public IReadOnlyList<int> LockHolderPids() =>
        Directory.Exists(LockDirectory)
            ? Directory.GetFiles(LockDirectory, "*.json").Select(file => JsonNode.Parse(File.ReadAllText(file))?["pid"]?.GetValue<int>() ?? 0).ToList()
            : [];

    /// <summary>The checkpoint's pending operations as "type urn" (apitype DeploymentV3 pending_operations).</summary>
    public IReadOnlyList<string> PendingOperations()
    {
        var checkpoint = Path.Combine(StateDirectory, ".pulumi", "stacks", Project, Stack + ".json");
        if (!File.Exists(checkpoint)) return [];
        var pending = JsonNode.Parse(File.ReadAllText(checkpoint))?["checkpoint"]?["latest"]?["pending_operations"] as JsonArray ?? [];
        return pending.Select(operation => $"{operation?["type"]} {operation?["resource"]?["urn"]}").ToList();
    }

    /// <summary>What an operator runs by hand against the stack (e.g. <c>cancel --yes --stack prod</c>), as CI does; throws on failure.</summary>
    public Task RunAsHumanAsync(params string[] arguments) => RunAsync(arguments);

    /// <summary>A lock file of another process (the DIY backend's layout), as a concurrent <c>pulumi up</c> leaves it.</summary>
    public string TakeForeignLock()
    {
        Directory.CreateDirectory(LockDirectory);
        var path = Path.Combine(LockDirectory, Guid.NewGuid() + ".json");
        File.WriteAllText(path, new JsonObject
        {
            ["pid"] = 4242,
            ["username"] = "ci",
            ["hostname"] = "other-host",
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }.ToJsonString());
        return path;
    }

    private async Task RunAsync(params string[] arguments)
    {
        var result = await global::CliWrap.Cli.Wrap(_binary)
            .WithArguments([.. arguments, "--non-interactive"])
            .WithWorkingDirectory(Program.Directory)
            .WithEnvironmentVariables(variables => variables
                .Set("PULUMI_BACKEND_URL", "file://" + StateDirectory)
                .Set("PULUMI_CONFIG_PASSPHRASE", Passphrase)
                .Set("PULUMI_HOME", Path.Combine(_root, "ci-home"))
                .Set("PULUMI_SKIP_UPDATE_CHECK", "true")
                .Set("DOCKER_HOST", TestEnvironment.Current.DockerHost)
                .Set("SPROCKET_STANDIN_CALLS", CallsFile)
                .Set("SPROCKET_STANDIN_STARTS", StartsFile))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"pulumi {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
    }

    public void Dispose()
    {
        foreach (var folder in new[] { _root, Program.Directory })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
