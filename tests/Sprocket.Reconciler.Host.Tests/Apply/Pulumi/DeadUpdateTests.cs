using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

/// <summary>Telling our own dead <c>up</c> and its lock from another process's lock, and the human command for it.</summary>
public sealed class DeadUpdateTests
{
    private const string Prelude = """{"sequence":0,"timestamp":1,"preludeEvent":{"config":{"platform:image-tag":"sha-bbbbbbb"}}}""";
    private const string Summary = """{"sequence":3,"timestamp":3,"summaryEvent":{"maybeCorrupt":false,"durationSeconds":2,"resourceChanges":{},"PolicyPacks":{},"result":"failed"}}""";

    // pkg/backend/diy/lock.go checkForLock, two locks.
    private const string TwoLocks =
        "error: the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n"
        + "  file:///var/lib/state/.pulumi/locks/organization/platform/prod/0b1c.json: created by ci@build-7 (pid 4242) at 2026-11-30T21:00:00Z\n"
        + "  file:///var/lib/state/.pulumi/locks/organization/platform/prod/9f8e.json: created by root@agent-host (pid 77) at 2026-11-30T21:05:03Z\n";

    [Fact]
    public void An_up_killed_after_its_prelude_without_a_summary_is_dead()
    {
        Assert.True(DeadUpdate.Detect(Exit(137), Observe(Prelude)));
        Assert.True(DeadUpdate.Detect(Exit(1), Observe(Prelude)));
    }

    [Fact]
    public void An_up_that_never_began_or_that_ended_with_a_summary_is_not_dead()
    {
        Assert.False(DeadUpdate.Detect(Exit(1, TwoLocks), Observe()));
        Assert.False(DeadUpdate.Detect(Exit(1), Observe(Prelude, Summary)));
        Assert.False(DeadUpdate.Detect(Exit(0), Observe(Prelude)));
    }

    [Fact]
    public void The_message_of_a_dead_up_says_how_it_ended_and_gives_the_exact_cancel_command()
    {
        var message = DeadUpdate.Died("web", "prod", "/data/programs/ab12", 4711, Exit(137), timedOut: false);

        Assert.Contains("pid 4711", message, StringComparison.Ordinal);
        Assert.Contains("killed by signal 9", message, StringComparison.Ordinal);
        Assert.Contains("`pulumi cancel --yes --stack prod --cwd /data/programs/ab12`", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_lock_the_file_backend_names_is_read_with_its_holder()
    {
        var holders = StackLockHolders.Parse(TwoLocks);

        Assert.Equal(
            [
                new StackLockHolder("file:///var/lib/state/.pulumi/locks/organization/platform/prod/0b1c.json", "ci", "build-7", 4242, "2026-11-30T21:00:00Z"),
                new StackLockHolder("file:///var/lib/state/.pulumi/locks/organization/platform/prod/9f8e.json", "root", "agent-host", 77, "2026-11-30T21:05:03Z"),
            ],
            holders);
        Assert.Equal("by ci@build-7 (pid 4242) since 2026-11-30T21:00:00Z, root@agent-host (pid 77) since 2026-11-30T21:05:03Z",
            StackLockHolders.Describe(holders));
    }

    [Fact]
    public void A_lock_is_ours_only_when_it_names_our_process_on_our_host()
    {
        var holders = StackLockHolders.Parse(TwoLocks);

        Assert.True(StackLockHolders.AnyHeldBy(holders, 77, "AGENT-HOST"));
        Assert.False(StackLockHolders.AnyHeldBy(holders, 77, "build-7"));
        Assert.False(StackLockHolders.AnyHeldBy(holders, 4711, "agent-host"));
    }

    [Fact]
    public void Pulumi_clouds_conflict_names_nobody()
    {
        var holders = StackLockHolders.Parse("error: [409] Conflict: Another update is currently in progress.\n");

        Assert.Empty(holders);
        Assert.Contains("does not say whose", StackLockHolders.Describe(holders), StringComparison.Ordinal);
    }

    private static UpObservation Observe(params string[] lines)
    {
        var observed = new UpObservation();
        foreach (var line in lines)
            observed.Observe(EngineEventParser.ParseLine(line)!);
        return observed;
    }

    private static PulumiCliResult Exit(int code, string stderr = "") => new(code, "", stderr, TimeSpan.FromSeconds(1));
}
