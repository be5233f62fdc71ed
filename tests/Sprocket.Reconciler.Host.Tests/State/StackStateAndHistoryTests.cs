using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.State;

public sealed class StackStateAndHistoryTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _data = new();

    private StateDatabase Open() => StateDatabase.Open(_data.Path, StateMigrations.All, TimeProvider.System);

    [Fact]
    public void Holds_failures_and_refused_tags_survive_a_restart()
    {
        var state = new StackRuntimeState("git-bbb2222", new StackHold(HoldReason.EmergencyRollback, "held: on-call rolled back", At), 2,
            At.AddSeconds(6), "convergence timed out", "git-bbb2222");
        new StackStateStore(Open()).Save("web-prod", state, At);
        new StackStateStore(Open()).Save("other", StackRuntimeState.Initial, At);

        var reloaded = new StackStateStore(Open()).LoadAll();

        Assert.Equal(state, reloaded["web-prod"]);
        Assert.Equal(StackRuntimeState.Initial, reloaded["other"]);
    }

    [Fact]
    public void Saving_again_replaces_the_stack_row()
    {
        var store = new StackStateStore(Open());
        store.Save("web-prod", StackRuntimeState.Initial with { ConsecutiveFailures = 1 }, At);
        store.Save("web-prod", StackRuntimeState.Initial with { ConsecutiveFailures = 2 }, At.AddMinutes(1));
        Assert.Equal(2, Assert.Single(store.LoadAll()).Value.ConsecutiveFailures);
    }

    [Fact]
    public void An_apply_record_is_a_bom_that_shows_unfinished_applies()
    {
        var history = new ApplyHistory(Open());
        var before = new ApplyRecordService("prod-web-1", "ghcr.io/s/web", "ghcr.io/s/web:git-aaa1111@sha256:aa", null);
        var id = history.Started(new ApplyRecord(0, "web-prod", "swarm", "Deploy", "poll", "0123abcd", "git-bbb2222", At, null, null, null, [before]));

        var unfinished = Assert.Single(history.Recent("web-prod", 10));
        Assert.Null(unfinished.FinishedAt);
        Assert.Null(unfinished.Outcome);

        var after = before with { ImageAfter = "ghcr.io/s/web:git-bbb2222@sha256:bb" };
        history.Finished(id, At.AddSeconds(9), "Succeeded", "converged", [after],
            new PreviewSummary(new Dictionary<string, int> { ["update"] = 1 }, ["update web"], []));

        var finished = Assert.Single(new ApplyHistory(Open()).Recent("web-prod", 10));
        Assert.Equal(At.AddSeconds(9), finished.FinishedAt);
        Assert.Equal("Succeeded", finished.Outcome);
        Assert.Equal([after], finished.Services);
        Assert.Equal("0123abcd", finished.Revision);
        Assert.Empty(history.Recent("other", 10));
    }

    [Fact]
    public void Recent_lists_newest_first_and_bounded()
    {
        var history = new ApplyHistory(Open());
        foreach (var tag in new[] { "git-aaa1111", "git-bbb2222", "git-ccc3333" })
            history.Started(new ApplyRecord(0, "web-prod", "swarm", "Deploy", "poll", "r", tag, At, null, null, null, []));
        Assert.Equal(["git-ccc3333", "git-bbb2222"], history.Recent("web-prod", 2).Select(r => r.Tag));
    }

    public void Dispose() => _data.Dispose();
}
