using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Testing.StatusPages;

/// <summary>
/// A night on call, as the status pages see it, without a Swarm: a stack held after an emergency rollback with its
/// pull request written back, one synced, one whose applies opened the circuit, one out of sync, and one whose name,
/// service and message are hostile HTML. Built from the records the loop publishes, so the pages read what they read
/// in production; the hostile stack could never come out of the desired-state parser, which is the point.
/// </summary>
internal static class StatusPageScene
{
    /// <summary>Markup, quotes and an ampersand: rendered as text it is harmless, as HTML it runs a script.</summary>
    public const string Hostile = "<script>alert(1)</script>\"q\" & 'a'<img src=x onerror=alert(2)>";

    public const string Held = "platform-prod";
    public const string Synced = "platform-staging";
    public const string Failing = "workers";
    public const string Behind = "analytics";
    public const string HostileStack = "evil" + Hostile;
    public const string HostileService = "svc" + Hostile;

    public const string BadTag = "git-ccc3333";
    public const string GoodTag = "git-bbb2222";
    public const string PullRequest = "https://github.com/SprocketBot/desired-state/pull/42";
    public const string Repository = "https://github.com/SprocketBot/desired-state.git";
    public const string Revision = "675b2e175d4e266b2cde1cb976c4a3f811e34bea";

    public static readonly DateTimeOffset Now = new(2026, 11, 30, 3, 12, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset RolledBackAt = Now.AddMinutes(-7);

    public static readonly TimeSpan Stabilization = TimeSpan.FromMinutes(10);

    /// <param name="hostile">With the hostile stack; without, a night as the README shows it.</param>
    public static ReconcilerStatus Status(bool hostile = true)
    {
        var specs = ImmutableArray.Create(
            Spec(Held, BadTag, StackPolicy.Default with { Stabilization = Stabilization }),
            Spec(Synced, BadTag, StackPolicy.Default),
            Spec(Failing, "git-ddd4444", StackPolicy.Default),
            Spec(Behind, "git-eee5555", StackPolicy.Default with { AutoSync = false }),
            Spec(HostileStack, BadTag, StackPolicy.Default));
        var desired = new DesiredSnapshot(new DesiredState(1, specs, DesiredState.DefaultImmutableTagPattern), Revision, "desired-state.yaml");

        var incident = new RollbackIncident(BadTag, GoodTag,
            [new IncidentService("platform-prod_web", Image("web", BadTag), Image("web", GoodTag), GoodTag, Digest('b'), RolledBackAt, RolledBackAt.AddSeconds(20))],
            RolledBackAt, "live", RolledBackAt.AddSeconds(20), new WriteBackRecord(WriteBackKind.PullRequest, PullRequest, Now.AddMinutes(-1)));
        var heldState = StackRuntimeState.Initial with
        {
            DesiredTagSeen = BadTag,
            Hold = new StackHold(HoldReason.EmergencyRollback, "platform-prod_web rolled back by hand to git-bbb2222", RolledBackAt),
            RefusedTag = BadTag,
            Incident = incident,
        };
        var failingState = StackRuntimeState.Initial with
        {
            DesiredTagSeen = "git-ddd4444", ConsecutiveFailures = 3, LastFailure = "convergence timed out: 0 of 2 tasks running",
        };

        var stacks = ImmutableArray.Create(
            new StackEvaluation(Held, StackStatus.Drifted, "platform-prod_web: emergency-rollback (live git-bbb2222, desired git-ccc3333)", BadTag, BadTag,
            [
                Service("platform-prod_web", "web", GoodTag, Digest('b'), BadTag, Digest('c'), DriftReason.EmergencyRollback, SwarmUpdateState.RollbackCompleted),
                Service("platform-prod_worker", "worker", BadTag, Digest('c'), BadTag, Digest('c'), DriftReason.None, SwarmUpdateState.Completed),
            ]),
            new StackEvaluation(Synced, StackStatus.Synced, "all 2 services run git-ccc3333", BadTag, BadTag,
            [
                Service("platform-staging_web", "web", BadTag, Digest('c'), BadTag, Digest('c'), DriftReason.None, SwarmUpdateState.Completed),
                Service("platform-staging_worker", "worker", BadTag, Digest('c'), BadTag, Digest('c'), DriftReason.None, SwarmUpdateState.Completed),
            ]),
            new StackEvaluation(Failing, StackStatus.OutOfSync, "workers_queue: runs git-aaa1111, desired git-ddd4444", "git-ddd4444", "git-aaa1111",
            [
                Service("workers_queue", "queue", "git-aaa1111", Digest('a'), "git-ddd4444", Digest('d'), DriftReason.None, SwarmUpdateState.Completed, inSync: false),
            ]),
            new StackEvaluation(Behind, StackStatus.OutOfSync, "analytics_ingest: runs git-aaa1111, desired git-eee5555", "git-eee5555", "git-aaa1111",
            [
                Service("analytics_ingest", "ingest", "git-aaa1111", Digest('a'), "git-eee5555", Digest('e'), DriftReason.None, SwarmUpdateState.Completed, inSync: false),
            ]),
            new StackEvaluation(HostileStack, StackStatus.Drifted, "message" + Hostile, BadTag, null,
            [
                Service(HostileService, "web", GoodTag, Digest('b'), BadTag, Digest('c'), DriftReason.ManualChange, SwarmUpdateState.Completed),
            ]));

        var control = ImmutableDictionary<string, StackControl>.Empty
            .Add(Held, new StackControl(StackStatus.Held, "held: emergency rollback of git-ccc3333; realigning git to git-bbb2222",
                heldState, new StackReconcileRecord(Now.AddSeconds(-12), ReconcileTrigger.Event, ReconcileOutcome.Held, "held"), false, RolledBackAt.AddMinutes(-30)))
            .Add(Failing, new StackControl(StackStatus.Failed, "circuit open after 3 failed applies (last: convergence timed out: 0 of 2 tasks running)",
                failingState, new StackReconcileRecord(Now.AddMinutes(-3), ReconcileTrigger.Retry, ReconcileOutcome.Failed, "apply failed"), false, null))
            // Every stack has its own last reconcile, as the loop publishes them: a synced stack's is its last apply.
            .Add(Synced, new StackControl(StackStatus.Synced, "all 2 services run git-ccc3333", StackRuntimeState.Initial with { DesiredTagSeen = BadTag },
                new StackReconcileRecord(Now.AddHours(-2), ReconcileTrigger.Poll, ReconcileOutcome.Succeeded, "applied git-ccc3333"), false, Now.AddSeconds(-12)))
            .Add(Behind, new StackControl(StackStatus.OutOfSync, "analytics_ingest: runs git-aaa1111, desired git-eee5555 (autoSync: false, waiting for a reconcile)",
                StackRuntimeState.Initial with { DesiredTagSeen = "git-eee5555" },
                new StackReconcileRecord(Now.AddMinutes(-20), ReconcileTrigger.Poll, ReconcileOutcome.Waiting, "autoSync is off"), false, null));

        if (!hostile) stacks = stacks.RemoveAt(stacks.Length - 1);
        return new ReconcilerStatus(desired, null, stacks, new LastEvaluation(Now.AddSeconds(-12), ReconcileTrigger.Event, ReconcileOutcome.Held, "1 held"),
            null, desired, control);
    }

    /// <summary>The apply history behind the story: the deploy of the bad tag, and a failed apply of the hostile stack.</summary>
    public static void SeedApplies(ApplyHistory history)
    {
        var deployed = history.Started(new ApplyRecord(0, Held, "swarm", "Deploy", "poll", Revision, BadTag, RolledBackAt.AddMinutes(-20), null, null, null,
            [new ApplyRecordService("platform-prod_web", Repo("web"), Image("web", GoodTag), null)]));
        history.Finished(deployed, RolledBackAt.AddMinutes(-20).AddSeconds(42), "Succeeded", "2 services updated",
            [new ApplyRecordService("platform-prod_web", Repo("web"), Image("web", GoodTag), Image("web", BadTag)),
             new ApplyRecordService("platform-prod_worker", Repo("worker"), Image("worker", GoodTag), Image("worker", BadTag))], null);
        var hostile = history.Started(new ApplyRecord(0, HostileStack, "swarm", "Deploy", "poll" + Hostile, Revision, BadTag, Now.AddHours(-2), null, null, null,
            [new ApplyRecordService(HostileService, Repo("web"), Image("web", GoodTag), null)]));
        history.Finished(hostile, Now.AddHours(-2).AddSeconds(3), "Failed", "failed" + Hostile,
            [new ApplyRecordService(HostileService, Repo("web"), Image("web", GoodTag), Image("web", GoodTag))], null);
    }

    /// <summary>The held stack's story so far, oldest first, and a hostile entry on the hostile stack.</summary>
    public static void SeedEvents(StackEventLog events)
    {
        var deployedAt = RolledBackAt.AddMinutes(-20);
        events.Append(Held, deployedAt, StackEventKind.ApplyStarted, "applying git-ccc3333 (commit)", BadTag, GoodTag, Revision);
        events.Append(Held, deployedAt.AddSeconds(42), StackEventKind.ApplySucceeded, "2 services updated", BadTag, GoodTag, Revision);
        events.Append(Held, RolledBackAt, StackEventKind.EmergencyRollback, "platform-prod_web rolled back by hand to git-bbb2222", GoodTag, BadTag);
        events.Append(Held, RolledBackAt.AddSeconds(20), StackEventKind.StabilizationStarted, "git-bbb2222 stable; written back after 10 min", GoodTag);
        events.Append(Held, Now.AddMinutes(-1), StackEventKind.WriteBackPullRequest, "pull request opened to pin git-bbb2222", GoodTag, BadTag, null, PullRequest);
        events.Append(HostileStack, Now.AddMinutes(-5), StackEventKind.DriftSeen, "event" + Hostile, BadTag, GoodTag, null, "javascript:alert(3)");
    }

    public static string Repo(string name) => $"ghcr.io/sprocketbot/{name}";

    public static string Image(string name, string tag) => $"{Repo(name)}:{tag}@{Digest(tag[4])}";

    public static string Digest(char fill) => "sha256:" + new string(fill, 64);

    private static StackSpec Spec(string name, string tag, StackPolicy policy) =>
        new(name, StackEngine.Swarm, tag, null, [new ServiceSpec(Repo("web"), $"{name}_*")], [], policy);

    private static ServiceEvaluation Service(
        string name, string repository, string liveTag, string liveDigest, string expectedTag, string expectedDigest, DriftReason drift,
        SwarmUpdateState update, bool inSync = true) =>
        new(name, Repo(repository), "id-" + name.Length, $"{Repo(repository)}:{liveTag}@{liveDigest}", liveDigest, liveTag, expectedTag, expectedDigest,
            drift, inSync && drift == DriftReason.None, update);
}
