using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Pulumi;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Pulumi;

/// <summary>
/// The whole driver through the stand-in <c>pulumi</c> (file backend, real test Swarm). Skipped until the
/// stand-in is built. The program is a Pulumi YAML program (runtime: yaml) with one docker:Service whose
/// image is <c>${image-tag}</c>; if the stand-in reads programs differently, adapt <see cref="ProgramAsync"/>.
/// </summary>
public sealed class PulumiStandInEndToEndTests : IAsyncLifetime
{
    private const string Passphrase = "e2e-passphrase-never-logged";
    private readonly ScratchDirectory _scratch = new();
    private readonly FakeLogCollector _logs = new();
    private SwarmServiceScope? _swarm;

    private string CallsLog => _scratch.Combine("standin-calls.log");

    public Task InitializeAsync()
    {
        _swarm = SwarmServiceScope.Create();
        Directory.CreateDirectory(_scratch.Combine("state"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Deploys_aaa_then_bbb_on_the_swarm_keeps_the_preview_and_reads_the_applied_tag_from_history()
    {
        var (engine, stack) = await ArrangeAsync();
        var progress = new List<ApplyProgress>();

        var first = await engine.ApplyAsync(Request(stack, SeededImages.GitAaa), new SynchronousProgress(progress), CancellationToken.None);
        var second = await engine.ApplyAsync(Request(stack, SeededImages.GitBbb), new SynchronousProgress(progress), CancellationToken.None);
        var applied = await engine.ReadAppliedTagAsync(stack, CancellationToken.None);

        Assert.True(first.Succeeded, first.Message);
        Assert.True(second.Succeeded, second.Message);
        Assert.NotNull(second.Preview);
        Assert.NotEmpty(second.Preview!.ChangeSummary);
        Assert.Equal(SeededImages.GitBbb, applied);
        var live = await _swarm!.Docker.SnapshotServiceAsync(_swarm.NameFor("web"));
        // Pulumi's docker provider drops the tag and writes the resolved digest.
        using var registry = new Daemon.OpenRegistry(TestEnvironment.Current.Registry);
        var bbbDigest = await registry.DigestOfAsync(SeededImages.Web, SeededImages.GitBbb);
        Assert.Equal($"{TestEnvironment.Current.Registry}/{SeededImages.Web}@{bbbDigest}", live.SpecImage);
        Assert.Contains(progress, line => line.Message.StartsWith("summary:", StringComparison.Ordinal));
        var calls = File.ReadAllText(CallsLog);
        Assert.Contains("--event-log", calls);
        Assert.Contains("--non-interactive", calls);
        // What the Automation API sets (pulumi/pulumi sdk/go/auto/stack.go, cmd.go); the stand-in records names only.
        Assert.All(File.ReadAllLines(CallsLog), line =>
        {
            var names = System.Text.Json.Nodes.JsonNode.Parse(line)!["pulumiEnv"]!.AsArray().Select(name => name!.ToString()).ToList();
            Assert.Contains("PULUMI_DEBUG_COMMANDS", names);
            Assert.Contains("PULUMI_AUTOMATION_API", names);
            Assert.Contains("PULUMI_SKIP_UPDATE_CHECK", names);
        });
        Assert.DoesNotContain(Passphrase, string.Join('\n', _logs.GetSnapshot().Select(record => record.Message + " " + record.Exception)));
    }

    [Fact]
    public async Task A_held_lock_is_locked_and_never_cancelled()
    {
        var (engine, stack) = await ArrangeAsync(("SPROCKET_STANDIN_LOCKED", "1"));

        var result = await engine.ApplyAsync(Request(stack, SeededImages.GitAaa), null, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Locked, result.Outcome);
        Assert.DoesNotContain("cancel", File.ReadAllLines(CallsLog).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()));
    }

    [Fact]
    public async Task A_failure_mid_update_is_failed_with_the_cause()
    {
        // The program has one service: failing after zero resources fails that one.
        var (engine, stack) = await ArrangeAsync(("SPROCKET_STANDIN_FAIL_AFTER", "0"));

        var result = await engine.ApplyAsync(Request(stack, SeededImages.GitAaa), null, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Failed, result.Outcome);
        // v3.259.0: a failed update exits 1 (a bail error) and its summaryEvent says result "failed".
        Assert.Contains("exit 1, result failed", result.Message, StringComparison.Ordinal);
        Assert.Contains("update out of sequence", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stack_that_does_not_exist_needs_a_human()
    {
        var (engine, stack) = await ArrangeAsync(initStack: false);

        var result = await engine.ApplyAsync(Request(stack, SeededImages.GitAaa), null, CancellationToken.None);

        Assert.Equal(ApplyOutcome.Misconfigured, result.Outcome);
        Assert.Contains("StackNotFound", result.Message);
    }

    private async Task<(IApplyEngine Engine, Core.Desired.StackSpec Stack)> ArrangeAsync(
        (string Name, string Value)? extra = null, bool initStack = true)
    {
        var program = await ProgramAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Reconciler:DataDirectory"] = _scratch.Combine("data"),
            // Built on first use (a no-op after a solution build): these tests must never be skipped silently.
            ["Reconciler:Pulumi:Binary"] = await PulumiStandin.PulumiStandinBinary.PathAsync(),
            ["Reconciler:Pulumi:EventLogPollInterval"] = "00:00:00.100",
            ["Reconciler:Pulumi:Environment:PULUMI_BACKEND_URL"] = "file://" + _scratch.Combine("state"),
            ["Reconciler:Pulumi:Environment:PULUMI_CONFIG_PASSPHRASE"] = Passphrase,
            ["Reconciler:Pulumi:Environment:DOCKER_HOST"] = TestEnvironment.Current.DockerHost,
            ["Reconciler:Pulumi:Environment:SPROCKET_STANDIN_CALLS"] = CallsLog,
        };
        if (extra is { } variable)
            settings["Reconciler:Pulumi:Environment:" + variable.Name] = variable.Value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var provider = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)))
            .AddPulumiApplyEngine(configuration)
            .BuildServiceProvider();
        var stack = PulumiStacks.Stack(program.Directory, workDir: "infra/platform");

        if (initStack)
        {
            // The stack exists before the daemon sees it, as in production; only `stack init` is done by hand.
            var cli = provider.GetRequiredService<PulumiCli>();
            var init = await cli.RunAsync(Path.Combine(program.Directory, "infra", "platform"), ["stack", "init", "--stack", "prod"], CancellationToken.None);
            Assert.True(init.Succeeded, init.StandardError);
        }
        return (provider.GetRequiredService<IApplyEngine>(), stack);
    }

    private async Task<WorkRepository> ProgramAsync()
    {
        var program = await WorkRepository.InitAsync(_scratch.Combine("program"));
        var image = TestEnvironment.Current.Image(SeededImages.Web, "${image-tag}");
        await program.CommitFileAsync("infra/platform/Pulumi.yaml", $$"""
            name: platform
            runtime: yaml
            config:
              image-tag:
                type: string
            resources:
              web:
                type: docker:Service
                properties:
                  name: {{_swarm!.NameFor("web")}}
                  taskSpec:
                    containerSpec:
                      image: {{image}}
            """);
        return program;
    }

    private static ApplyRequest Request(Core.Desired.StackSpec stack, string tag) =>
        new(stack, tag, [], ApplyMode.Deploy, "0000000", Sprocket.Reconciler.Reconcile.ReconcileTrigger.Api);

    public async Task DisposeAsync()
    {
        if (_swarm is not null)
            await _swarm.DisposeAsync();
        _scratch.Dispose();
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the assertions need every report in order, now.</summary>
    private sealed class SynchronousProgress(List<ApplyProgress> lines) : IProgress<ApplyProgress>
    {
        public void Report(ApplyProgress value)
        {
            lock (lines)
                lines.Add(value);
        }
    }
}
