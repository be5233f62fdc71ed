using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests.Engine;

/// <summary>
/// Issue 12, faults 1 and 7 on the real Swarm: node 1's dockerd is stopped and started again (tests/env/swarm.sh
/// stop-node / start-node). On this Swarm that is both faults at once: the agent beside node 1 loses its engine (event
/// stream, every call), and node 1 loses the Raft leadership for good (a standby is elected while it is down and keeps it
/// after, tests/env/FACTS.md §9), so the agent of the standby manager that now leads becomes the actor. One agent per
/// manager, each with its own data directory and its own copy of the desired state, as in production. Every test puts
/// the environment back as it found it (node 1 running and leading, every standby a reachable manager), failed or not.
/// </summary>
[Collection(SharedEnvironmentFaults.Name)]
[Trait(SharedEnvironmentFaults.Trait, SharedEnvironmentFaults.Value)]
public sealed class EngineRestartFaultTests(ITestOutputHelper output)
{
    private static readonly string[] FastChecks = ["--Reconciler:Docker:LeaderCheckInterval=00:00:01"];

    [Fact]
    public async Task Leader_engine_restart_while_held_the_standby_that_takes_over_keeps_the_hold_it_never_saw_begin()
    {
        await SwarmNodes.LeadNode1Async();
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa) { ExtraArguments = FastChecks });
        var service = scenario.ServiceNames[0];
        var revision = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(revision, s => s.Status == "synced" && s.OnlyService.LiveTag == GitBbb, $"{scenario.Name} synced at {GitBbb}");
        await scenario.Docker.RunAsync("service", "update", "--rollback", "--detach", service);
        await scenario.WaitAsync(s => s is { Status: "held", Hold.Reason: "emergency-rollback" }, $"{scenario.Name} held by the agent beside node 1");
        var rolledBack = await Eventually.UntilValue(() => scenario.Docker.SnapshotServiceAsync(service), s => s.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(45), $"{service} rollback_completed");

        // The standby agents start after the rollback: they never see it happen, only the spec it left.
        await using var standbys = await StandbyAgents.StartAsync(scenario, FastChecks);
        await standbys.WaitAllAsync(s => s.OnlyService.Drift == "emergency-rollback", "the standbys observing the rolled-back spec");
        try
        {
            var stopping = Stopwatch.StartNew();
            await SwarmNodes.StopAsync(1);
            output.WriteLine($"node 1's dockerd stopped in {stopping.Elapsed.TotalSeconds:0.0} s");
            var problem = await EngineStatus.WaitUnreachableAsync(scenario.Daemon, "node 1's engine stopped");
            output.WriteLine($"beside node 1: {problem}");

            var stopped = Stopwatch.StartNew();
            var (node, actor) = await standbys.WaitForActorAsync("a standby manager elected while node 1 is down");
            var held = await actor.WaitForStackAsync(scenario.Name, s => s is { Status: "held", Hold.Reason: "emergency-rollback" } && s.LastReconcile?.At > DateTimeOffset.UtcNow.AddSeconds(-5),
                $"the agent beside node {node}, now acting, holding the rollback it did not see");
            var takeover = stopped.Elapsed;
            Assert.Equal(GitAaa, held.OnlyService.LiveTag);
            await AssertRolledBackSpecKeptAsync(SwarmNodes.Docker(node), rolledBack, $"while node {node}'s agent acts");
            RecoveryRecord.Write(output, "leader change (leader's engine stopped)", "idle, emergency hold only the old leader saw begin", 0, takeover);

            var (answering, started) = await SwarmNodes.StartAndTimeAsync(1);
            await EngineStatus.WaitReachableAsync(scenario.Daemon, "node 1's engine answers again");
            var back = await scenario.WaitAsync(s => s.Status == "held" && s.LastReconcile?.At > DateTimeOffset.UtcNow.AddSeconds(-3), "the agent beside node 1 evaluating again");
            var recovery = answering.Elapsed;
            await started;
            Assert.Equal(("emergency-rollback", GitAaa), (back.Hold!.Reason, back.OnlyService.LiveTag));
            RecoveryRecord.Write(output, "Docker engine restart (node 1's dockerd)", "idle, emergency hold", 0, recovery);
            Assert.Empty(standbys.History(scenario.Name));
        }
        finally
        {
            // Node 1 must run and lead again whatever the standbys' dispose does: the next test needs the Swarm as it was.
            try
            {
                await standbys.DisposeAsync();
            }
            finally
            {
                await SwarmNodes.LeadNode1Async();
            }
        }

        // Node 1 leads again: its agent acts again and still holds; nothing was ever applied over the rollback.
        await Eventually.UntilValue(() => EngineStatus.ReadinessAsync(scenario.Daemon), r => r.View.Role == "leader", TimeSpan.FromSeconds(30), "node 1's agent leading again");
        await AssertRolledBackSpecKeptAsync(scenario.Docker, rolledBack, "after node 1 leads again");
        await scenario.AssertNothingAppliedAsync([await scenario.Docker.SnapshotServiceAsync(service)], s => s is { Status: "held", Hold.Reason: "emergency-rollback" },
            "node 1 leads again");
        Assert.Single(scenario.History());
    }

    [Fact]
    public async Task Leader_engine_restart_mid_apply_then_a_rollback_on_the_new_leader_no_agent_repeats_or_undoes_anything()
    {
        await SwarmNodes.LeadNode1Async();
        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa)
        {
            // Swarm keeps the update "updating" through its monitor period: a wide, certain mid-apply window.
            SwarmUpdateArguments = ["--update-monitor", "30s"],
            ExtraArguments = FastChecks,
        });
        var service = scenario.ServiceNames[0];
        await using var standbys = await StandbyAgents.StartAsync(scenario, FastChecks);
        await standbys.WaitAllAsync(s => s.OnlyService.LiveTag == GitAaa, "the standbys observing the stack");
        // Every agent's git names the new tag; only node 1's agent may act on it.
        await standbys.CommitTagAsync(scenario.Stack.WithTag(GitBbb));
        var revision = await scenario.CommitTagAsync(GitBbb);
        var atFault = await EngineStatus.WaitUntilMidApplyAsync(scenario, service, GitBbb);
        var startedAtFault = await EngineStatus.UpdateStartedAsync(scenario, service);
        try
        {
            await SwarmNodes.StopAsync(1);
            await EngineStatus.WaitUnreachableAsync(scenario.Daemon, "node 1's engine stopped mid-apply");
            var stopped = Stopwatch.StartNew();
            var (node, actor) = await standbys.WaitForActorAsync("a standby manager elected while node 1 is down");
            var docker = SwarmNodes.Docker(node);
            // The new actor decides on what it sees (the tag git names, Swarm still rolling it out) over several evaluations.
            var decided = await actor.WaitForStackAsync(scenario.Name, s => s.LastReconcile is { Outcome: not "observed" } r && r.At > DateTimeOffset.UtcNow.AddSeconds(-3),
                $"the agent beside node {node} deciding as the actor");
            var takeover = stopped.Elapsed;
            output.WriteLine($"new actor (node {node}): {decided}");
            await AssertSameUpdateAsync(docker, atFault, startedAtFault, $"node {node}'s agent acting while node 1 is down");
            RecoveryRecord.Write(output, "leader change (leader's engine stopped)", "mid-apply", 0, takeover);

            // The on-call rolls back through the new leader while node 1 (and its agent's event stream) is down.
            await docker.RunAsync("service", "update", "--rollback", "--detach", service);
            var rollbackStarted = await Eventually.UntilValue(() => EngineStatus.UpdateStartedAsync(docker, service), started => started != startedAtFault,
                TimeSpan.FromSeconds(15), $"{service} rolling back");
            await actor.WaitForStackAsync(scenario.Name, s => s is { Status: "held", Hold.Reason: "emergency-rollback" }, $"node {node}'s agent holding the rollback");

            var (answering, started) = await SwarmNodes.StartAndTimeAsync(1);
            await EngineStatus.WaitReachableAsync(scenario.Daemon, "node 1's engine answers again");
            // Node 1's agent missed the rollback's events: it must recognise it from the spec alone.
            var seen = await scenario.WaitAsync(s => s.OnlyService.LiveTag == GitAaa && s.OnlyService.Drift == "emergency-rollback",
                "node 1's agent seeing the rollback it missed");
            var recovery = answering.Elapsed;
            await started;
            output.WriteLine($"node 1's agent after the restart: {seen}");
            RecoveryRecord.Write(output, "Docker engine restart (node 1's dockerd), on-call rollback on another manager meanwhile", "mid-apply", 0, recovery);
            Assert.Empty(standbys.History(scenario.Name));
            await AssertRollbackKeptAsync(docker, atFault, rollbackStarted, $"node 1 back, node {node}'s agent acting");
        }
        finally
        {
            // Node 1 must run and lead again whatever the standbys' dispose does: the next test needs the Swarm as it was.
            try
            {
                await standbys.DisposeAsync();
            }
            finally
            {
                await SwarmNodes.LeadNode1Async();
            }
        }

        // Node 1 leads again: its agent, whose own record says it applied git-bbb2222, holds the rollback instead of
        // applying git's tag over it.
        await Eventually.UntilValue(() => EngineStatus.ReadinessAsync(scenario.Daemon), r => r.View.Role == "leader", TimeSpan.FromSeconds(30), "node 1's agent leading again");
        var held = await scenario.WaitForRevisionAsync(revision, s => s is { Status: "held" } && s.OnlyService.LiveTag == GitAaa, $"{scenario.Name} held at {GitAaa}");
        var after = await scenario.Docker.SnapshotServiceAsync(service);
        await scenario.AssertNothingAppliedAsync([after], s => s.Status == "held", "node 1 leads again after the restart");
        await AssertRollbackKeptAsync(scenario.Docker, atFault, (await EngineStatus.UpdateStartedAsync(scenario, service))!, "node 1 leads again");
        var row = Assert.Single(scenario.History());
        output.WriteLine($"node 1's apply: {row}; stack {held}");
        // Which verdict the cut apply gets depends on how long node 1's engine stays away: the on-call's rollback
        // (RolledBackByOnCall) when it is back within the convergence timeout, else not converged (Failed). Never
        // Succeeded, never left open: the hold above is what keeps git's tag off the service either way.
        Assert.Equal(GitBbb, row.Tag);
        Assert.Contains(row.Outcome, new[] { "RolledBackByOnCall", "Failed" });
    }

    /// <summary>The service runs what the on-call rolled back to: the spec before our update, ours as the previous spec,
    /// and the rollback is the last update Swarm started.</summary>
    private static async Task AssertRollbackKeptAsync(DockerCli docker, ServiceSnapshot atFault, string? rollbackStarted, string when)
    {
        var now = await docker.SnapshotServiceAsync(atFault.Name);
        Assert.True((now.SpecImage, now.PreviousSpecImage) == (atFault.PreviousSpecImage, atFault.SpecImage)
                    && await EngineStatus.UpdateStartedAsync(docker, atFault.Name) == rollbackStarted,
            $"{when}: the rollback was undone or the service updated again: at the fault {atFault}, now {now}");
    }

    /// <summary>The update under way at the fault is still the only one: same spec, same previous spec, same start.</summary>
    private static async Task AssertSameUpdateAsync(DockerCli docker, ServiceSnapshot atFault, string? startedAtFault, string when)
    {
        var now = await docker.SnapshotServiceAsync(atFault.Name);
        Assert.True((now.SpecImage, now.PreviousSpecImage) == (atFault.SpecImage, atFault.PreviousSpecImage) && await EngineStatus.UpdateStartedAsync(docker, atFault.Name) == startedAtFault,
            $"{when}: the service was updated again or undone: {atFault} -> {now}");
    }

    private static async Task AssertRolledBackSpecKeptAsync(DockerCli docker, ServiceSnapshot rolledBack, string when)
    {
        var now = await docker.SnapshotServiceAsync(rolledBack.Name);
        Assert.True((now.SpecImage, now.PreviousSpecImage, now.UpdateState) == (rolledBack.SpecImage, rolledBack.PreviousSpecImage, rolledBack.UpdateState),
            $"{when}: the rolled-back spec was changed: {rolledBack} -> {now}");
    }
}
