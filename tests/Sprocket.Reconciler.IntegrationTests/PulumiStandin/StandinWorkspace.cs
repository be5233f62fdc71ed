using System.Text;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>
/// One test's Pulumi world: a program folder (Pulumi.yaml), a file backend folder, a PULUMI_HOME, a calls
/// log, and a <see cref="SwarmServiceScope"/> whose prefix names every service of the program.
/// </summary>
public sealed class StandinWorkspace : IAsyncDisposable
{
    public const string Project = "platform";
    public const string Stack = "prod";
    public const string Passphrase = "test-passphrase";

    private StandinWorkspace(string root, string binary, SwarmServiceScope scope)
    {
        Root = root;
        Binary = binary;
        Scope = scope;
        Directory.CreateDirectory(ProgramDirectory);
        Directory.CreateDirectory(StateDirectory);
    }

    public string Root { get; }

    public string Binary { get; }

    public SwarmServiceScope Scope { get; }

    public TestEnvironmentSettings Environment => TestEnvironment.Current;

    public string ProgramDirectory => Path.Combine(Root, "program");

    public string StateDirectory => Path.Combine(Root, "state");

    public string CallsFile => Path.Combine(Root, "calls.jsonl");

    public string LockDirectory => Path.Combine(StateDirectory, ".pulumi", "locks", "organization", Project, Stack);

    public static async Task<StandinWorkspace> CreateAsync()
    {
        var binary = await PulumiStandinBinary.PathAsync();
        var root = Path.Combine(Path.GetTempPath(), "standin-" + Guid.NewGuid().ToString("N")[..10]);
        return new StandinWorkspace(root, binary, SwarmServiceScope.Create());
    }

    public string EventLogPath(string name) => Path.Combine(Root, name + ".jsonl");

    public string[] LockFiles() => Directory.Exists(LockDirectory) ? Directory.GetFiles(LockDirectory, "*.json") : [];

    /// <summary>Writes Pulumi.yaml: each service's image is <c>registry/repository:${image-tag}</c>.</summary>
    public void WriteProgram(params StandinService[] services)
    {
        var yaml = new StringBuilder($"name: {Project}\nruntime: yaml\nconfig:\n  image-tag:\n    type: string\nresources:\n");
        foreach (var service in services)
        {
            yaml.Append($"  {service.LogicalName}:\n    type: docker:Service\n    properties:\n      name: {service.ServiceName}\n")
                .Append($"      taskSpec:\n        containerSpec:\n          image: {Environment.Registry}/{service.Repository}:${{image-tag}}\n");
            if (service.RollbackOnFailure) yaml.Append("      updateConfig:\n        failureAction: rollback\n        monitor: 2s\n");
        }

        File.WriteAllText(Path.Combine(ProgramDirectory, "Pulumi.yaml"), yaml.ToString());
    }

    /// <summary>`stack init` then `config set image-tag TAG`, both required to succeed.</summary>
    public async Task InitStackAsync(string tag)
    {
        AssertSucceeded(await RunAsync(["stack", "init", "--stack", Stack, "--non-interactive"]));
        await SetTagAsync(tag);
    }

    public async Task SetTagAsync(string tag) =>
        AssertSucceeded(await RunAsync(["config", "set", "image-tag", "--plaintext", "--stack", Stack, "--non-interactive", "--", tag]));

    /// <summary>`up` as the driver runs it, with an event log; returns the result (not asserted).</summary>
    public Task<StandinResult> UpAsync(string eventLog, bool refresh = false, IReadOnlyDictionary<string, string?>? environment = null) =>
        RunAsync(
        [
            "up", "--yes", "--skip-preview", .. refresh ? new[] { "--refresh" } : [], "--event-log", EventLogPath(eventLog),
            "--exec-kind", "auto.local", "--stack", Stack, "--non-interactive",
        ], environment);

    public async Task<JsonObject> ExportAsync()
    {
        var result = await RunAsync(["stack", "export", "--stack", Stack, "--non-interactive"]);
        AssertSucceeded(result);
        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }

    public static string? ExportedImage(JsonObject export, string logicalName) =>
        export["deployment"]!["resources"]!.AsArray().OfType<JsonObject>()
            .Single(resource => resource["urn"]!.ToString().EndsWith("::" + logicalName, StringComparison.Ordinal))
            ["inputs"]?["taskSpec"]?["containerSpec"]?["image"]?.ToString();

    public async Task<StandinResult> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = await Start(arguments, environment);
        return new StandinResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    /// <summary>Starts the stand-in without waiting: the task's ProcessId lets a test signal it (SIGINT, as Ctrl-C).</summary>
    public CommandTask<BufferedCommandResult> Start(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var binDirectory = Path.GetDirectoryName(Binary)!;
        return global::CliWrap.Cli.Wrap(Binary)
            .WithArguments(arguments)
            .WithWorkingDirectory(ProgramDirectory)
            .WithEnvironmentVariables(variables =>
            {
                variables
                    .Set("PATH", binDirectory + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"))
                    .Set("PULUMI_BACKEND_URL", "file://" + StateDirectory)
                    .Set("PULUMI_CONFIG_PASSPHRASE", Passphrase)
                    .Set("PULUMI_HOME", Path.Combine(Root, "home"))
                    .Set("PULUMI_SKIP_UPDATE_CHECK", "true")
                    // As the Automation API (and the daemon) sets it: without it up/preview/refresh have no --event-log.
                    .Set("PULUMI_DEBUG_COMMANDS", "true")
                    .Set("DOCKER_HOST", Environment.DockerHost)
                    .Set("SPROCKET_STANDIN_CALLS", CallsFile)
                    .Set("SPROCKET_STANDIN_LOCKED", null)
                    .Set("SPROCKET_STANDIN_FAIL_AFTER", null)
                    .Set("SPROCKET_STANDIN_SLOW_UP", null)
                    .Set("SPROCKET_STANDIN_CRASH", null)
                    .Set("SPROCKET_STANDIN_HANG_WHILE", null)
                    .Set("SPROCKET_STANDIN_HISTORY_KILLED_WHILE", null);
                foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) variables.Set(name, value);
            })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8);
    }

    public static void AssertSucceeded(StandinResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    public async ValueTask DisposeAsync()
    {
        await Scope.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test on cleanup.
        }
    }
}
