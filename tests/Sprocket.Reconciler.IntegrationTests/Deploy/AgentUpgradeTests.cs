using System.Diagnostics;
using System.Globalization;
using System.Net;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.Realign;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// Upgrading the agent is safe. <c>docker service update --image</c> of the deployed agent while it applies a commit to a
/// slow service (its task ignores SIGTERM and has a 20 s stop grace period, so Swarm takes that long to replace it): the
/// old task finishes the apply before it exits (stop_grace_period outlasts ShutdownGrace), the new task resumes from the
/// data volume and applies nothing again, and a manual hold and an emergency-rollback incident made before the upgrade
/// are still there. Then, once Swarm calls the upgrade completed, <c>docker service update --rollback</c> of the agent,
/// which comes back the same way. All along, a second agent from the same image beside a manager that is not the Raft
/// leader reports standby and never applies.
/// </summary>
[Collection(AgentPortCollection.Name)]
public sealed class AgentUpgradeTests(ITestOutputHelper output)
{
    /// <summary>How long Swarm waits for the slow service's old task to stop: the length of the apply in flight.</summary>
    private const int SlowStopSeconds = 20;

    private static readonly TimeSpan TaskSwap = TimeSpan.FromSeconds(90);

    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;

    [Fact]
    public async Task An_upgrade_during_an_apply_waits_for_it_and_the_new_task_keeps_holds_and_incidents_then_rolls_back_alike()
    {
        var clock = Stopwatch.StartNew();
        var image = await AgentImage.ReferenceAsync();
        var upgrade = await AgentImage.UpgradeReferenceAsync();
        await using var scope = SwarmServiceScope.Create();
        var slowService = await scope.CreateServiceAsync("slow-service-1a2b3c4", _environment.Image(Web, GitAaa),
            ["--stop-grace-period", $"{SlowStopSeconds}s", "--update-monitor", "1s"]);
        var heldService = await scope.CreateServiceAsync("held-service-1a2b3c4", _environment.Image(Web, GitAaa), ["--update-monitor", "1s"]);
        var incidentService = await scope.CreateServiceAsync("incident-service-1a2b3c4", _environment.Image(Web, GitAaa), ["--update-monitor", "1s"]);
        var slow = Stack(scope, "slow", ReconcileStack.ActingPolicy);
        var held = Stack(scope, "held", ReconcileStack.ActingPolicy);
        // Realigned only after a stabilization far longer than the test: the incident stays open throughout.
        var incident = Stack(scope, "incident", RealignStory.Policy("commit", "10m"));

        var settings = new AgentSettings("");
        var (remote, _) = await DesiredStateRemote.StartAsync(settings.GitToken, ReconcileYaml.Render(slow, held, incident));
        await using var __ = remote;
        settings = settings with { RepositoryUrl = remote.Url };
        await using var agent = await AgentStack.CreateAsync(scope.Prefix, image, settings.SettingsJson(), settings.SecretsJson(), remote);
        // The placement constraint holds: without the label no node takes the task; labelled, node 1 runs it.
        var refusal = await agent.DeployAsync(labelOnceRefused: true);
        await agent.WaitForReadyAsync(TimeSpan.FromSeconds(90), "the agent's /readyz 200");
        Assert.Equal(agent.LabelledNodeId, (await agent.RunningTaskAsync())?.NodeId);
        foreach (var stack in new[] { slow, held, incident })
            await agent.Api.WaitForStackAsync(stack.Name, s => s.Status == "synced", $"{stack.Name} synced at {GitAaa}");

        // Before the upgrade: a manual hold, and an emergency rollback under realignment (an open incident).
        Assert.Equal(HttpStatusCode.Accepted, await agent.Api.PostAsync(held.Name, "hold", settings.ApiToken));
        await agent.Api.WaitForStackAsync(held.Name, s => s.Hold is { Manual: true }, $"{held.Name} held by hand");
        incident = incident.WithTag(GitBbb);
        await remote.CommitAsync(ReconcileYaml.Render(slow, held, incident), $"{incident.Name} at {GitBbb}");
        await agent.Api.WaitForStackAsync(incident.Name, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"{incident.Name} applied {GitBbb}");
        await scope.Docker.RollbackAsync(incidentService);
        var incidentBefore = (await agent.Api.WaitForStackAsync(incident.Name, s => s is { Status: "held", Incident: not null },
            $"{incident.Name}'s incident open", TimeSpan.FromSeconds(30))).Incident!;

        // The second agent, beside a standby manager, watching the same repository and Swarm.
        await using var standby = await StandbyAgentContainer.StartAsync(scope.Prefix + "standby-agent", image, settings);
        var standbyReadiness = await standby.Api.WaitForReadyAsync(TimeSpan.FromSeconds(60), "the standby agent's /readyz 200");
        Assert.Equal("standby", standbyReadiness.Role);

        // The slow apply, and the upgrade while it runs.
        slow = slow.WithTag(GitBbb);
        await remote.CommitAsync(ReconcileYaml.Render(slow, held, incident), $"{slow.Name} at {GitBbb}");
        var running = await Eventually.UntilValue(() => agent.Api.HistoryAsync(slow.Name),
            applies => applies.Any(a => a.Tag == GitBbb && a.FinishedAt is null), TimeSpan.FromSeconds(30), $"the apply of {GitBbb} to {slow.Name} running");
        var oldTask = (await agent.TasksAsync()).First(task => task.DesiredState == "running");
        var upgradeIssuedAt = DateTimeOffset.UtcNow;
        await agent.UpgradeAsync(upgrade);

        var newTask = await WaitForTaskSwapAsync(agent, oldTask, upgrade);
        var oldContainer = await agent.ContainerAsync(oldTask);
        var applies = await agent.Api.HistoryAsync(slow.Name);
        var apply = Assert.Single(applies);
        Assert.Equal((GitBbb, "succeeded"), (apply.Tag, apply.Outcome));
        Assert.Equal(running.Single(a => a.Tag == GitBbb).Id, apply.Id);
        Assert.True(apply.FinishedAt > upgradeIssuedAt, $"the apply finished at {apply.FinishedAt:O}, before the upgrade at {upgradeIssuedAt:O}");
        Assert.True(oldContainer.FinishedAt >= apply.FinishedAt,
            $"the old task exited at {oldContainer.FinishedAt:O}, before its apply finished at {apply.FinishedAt:O}");
        Assert.Equal(0, oldContainer.ExitCode);
        var slowAfter = await scope.Docker.SnapshotServiceAsync(slowService);

        // The new task: the same history, the apply not made again over several evaluations, hold and incident kept.
        await AssertNothingAppliedAgainAsync(agent, slow.Name, slowService, slowAfter);
        Assert.Single(await agent.Api.HistoryAsync(slow.Name));
        Assert.True((await agent.Api.StackAsync(held.Name))!.Hold is { Manual: true }, $"{held.Name} lost its hold in the upgrade");
        Assert.Equal(incidentBefore.DetectedAt, (await agent.Api.StackAsync(incident.Name))!.Incident?.DetectedAt);

        // The agent's own rollback of the completed upgrade (Swarm completes it once the new task has passed its first
        // health check, 30 s in, and the monitor period): back to the first image, the same way.
        await Eventually.UntilValue(agent.UpdateStateAsync, state => state == "completed", TimeSpan.FromSeconds(90),
            $"the upgrade of {agent.ServiceName} completed");
        await agent.RollBackAsync();
        await WaitForTaskSwapAsync(agent, newTask, image);
        Assert.StartsWith("rollback_", await agent.UpdateStateAsync(), StringComparison.Ordinal);
        await AssertNothingAppliedAgainAsync(agent, slow.Name, slowService, slowAfter);
        Assert.Single(await agent.Api.HistoryAsync(slow.Name));
        Assert.True((await agent.Api.StackAsync(held.Name))!.Hold is { Manual: true }, $"{held.Name} lost its hold in the rollback");
        Assert.Equal(incidentBefore.DetectedAt, (await agent.Api.StackAsync(incident.Name))!.Incident?.DetectedAt);

        // The standby watched it all and acted on nothing.
        var standbyMetrics = await standby.Api.MetricsAsync();
        Assert.Equal(0, standbyMetrics.Value("sprocket_reconciler_leader"));
        Assert.Equal(0, standbyMetrics.Find("sprocket_reconciler_reconciles_total", ("outcome", "applying")).Sum(sample => sample.Value));
        Assert.True(standbyMetrics.Find("sprocket_reconciler_reconciles_total", ("stack", slow.Name)).Sum(sample => sample.Value) > 0,
            "the standby never evaluated the slow stack");
        foreach (var stack in new[] { slow, held, incident }) Assert.Empty(await standby.Api.HistoryAsync(stack.Name));
        Assert.Equal("standby", (await standby.Api.ReadinessAsync())?.View.Role);
        var standbyLogs = await standby.LogsAsync();
        // Standby because its manager does not lead, not because the check failed.
        Assert.DoesNotContain("This instance is now leader", standbyLogs, StringComparison.Ordinal);
        Assert.DoesNotContain("Leader check failed", standbyLogs, StringComparison.Ordinal);

        // Three tasks' logs, the secret's tokens in none.
        foreach (var logs in new[] { standbyLogs, await agent.LogsShowingAsync(slow.Name) })
        {
            Assert.DoesNotContain(settings.ApiToken, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(settings.GitToken, logs, StringComparison.Ordinal);
        }

        var line = string.Create(CultureInfo.InvariantCulture,
            $"[agent-upgrade] apply {apply.StartedAt:HH:mm:ss.f}–{apply.FinishedAt:HH:mm:ss.f}, upgrade issued {upgradeIssuedAt:HH:mm:ss.f}, "
            + $"old task exited {oldContainer.FinishedAt:HH:mm:ss.f} (code {oldContainer.ExitCode}); test {clock.Elapsed.TotalSeconds:0} s; "
            + $"before node 1 was labelled: {refusal ?? "(it was labelled already)"}");
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private ReconcileStack Stack(SwarmServiceScope scope, string name, IReadOnlyList<string> policy) =>
        new(scope.Prefix + name, Engines.Swarm, GitAaa, [new DesiredService($"{_environment.Registry}/{Web}", scope.Prefix + name + "-service*")])
        {
            Policy = policy,
        };

    /// <summary>
    /// Waits until <paramref name="before"/>'s container has exited and a task of <paramref name="image"/> answers
    /// /readyz (its own: the old one no longer listens); returns that task.
    /// </summary>
    private static async Task<AgentTask> WaitForTaskSwapAsync(AgentStack agent, AgentTask before, string image)
    {
        var next = await Eventually.UntilValue(async () =>
            {
                var tasks = await agent.TasksAsync();
                var old = tasks.Single(task => task.Id == before.Id);
                return old.State is "running" or "starting" ? null : tasks.FirstOrDefault(task =>
                    task.Id != before.Id && task.DesiredState == "running" && task.Image.StartsWith(image + "@", StringComparison.Ordinal));
            },
            task => task is not null, TaskSwap, $"{before.Id} stopped and a task of {image} scheduled");
        await agent.WaitForReadyAsync(TaskSwap, $"the task of {image} ready");
        return next!;
    }

    /// <summary>Over three evaluations of the new task, the service keeps the spec the apply left.</summary>
    private static async Task AssertNothingAppliedAgainAsync(AgentStack agent, string stack, string service, ServiceSnapshot after)
    {
        var seen = new HashSet<DateTimeOffset>();
        await Eventually.UntilValue(async () =>
        {
            var now = await agent.Docker.SnapshotServiceAsync(service);
            Assert.True(now.VersionIndex == after.VersionIndex && now.SpecImage == after.SpecImage,
                $"{service} changed after the upgrade: version {after.VersionIndex} -> {now.VersionIndex}, image {after.SpecImage} -> {now.SpecImage}");
            if (await agent.Api.StackAsync(stack) is { LastReconcile: { } reconcile, Status: var status })
            {
                Assert.Equal("synced", status);
                seen.Add(reconcile.At);
            }

            return seen.Count;
        }, count => count > 3, TimeSpan.FromSeconds(40), $"3 evaluations of {stack} by the new task");
    }
}
