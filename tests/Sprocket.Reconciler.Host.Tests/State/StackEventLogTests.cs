using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.State;

public sealed class StackEventLogTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _data = new();

    private StateDatabase Open() => StateDatabase.Open(_data.Path, StateMigrations.All, TimeProvider.System);

    [Fact]
    public void An_event_reads_back_with_every_field_after_a_restart()
    {
        var id = new StackEventLog(Open()).Append("web-prod", At, StackEventKind.WriteBackCommit, "wrote git-aaa1111 back",
            "git-aaa1111", "git-bbb2222", "0123abcd", "https://github.com/acme/deploy/commit/0123abcd");

        var read = Assert.Single(new StackEventLog(Open()).Page("web-prod", 10, null));

        Assert.Equal(new StackEvent(id, "web-prod", At, "write-back-commit", "wrote git-aaa1111 back", "git-aaa1111", "git-bbb2222",
            "0123abcd", "https://github.com/acme/deploy/commit/0123abcd"), read);
        Assert.Empty(new StackEventLog(Open()).Page("other", 10, null));
    }

    [Fact]
    public void The_newest_event_of_some_kinds_is_the_stack_s_own_latest_of_them()
    {
        var log = new StackEventLog(Open());
        log.Append("web-prod", At, StackEventKind.DriftSeen, "first drift");
        log.Append("web-prod", At, StackEventKind.Synced, "back");
        log.Append("web-prod", At, StackEventKind.DriftSeen, "second drift", "git-bbb2222", "git-aaa1111");
        log.Append("web-prod", At, StackEventKind.Hold, "held");
        log.Append("other", At, StackEventKind.Synced, "not mine");

        Assert.Equal("second drift", log.Newest("web-prod", [StackEventKind.DriftSeen, StackEventKind.Synced])?.Message);
        Assert.Equal("back", log.Newest("web-prod", [StackEventKind.Synced])?.Message);
        Assert.Null(log.Newest("web-prod", [StackEventKind.DesiredRejected]));
        Assert.Null(log.Newest("nobody", [StackEventKind.Synced]));
    }

    [Fact]
    public void Pages_are_newest_first_and_continue_below_the_last_id()
    {
        var log = new StackEventLog(Open());
        var ids = Enumerable.Range(0, 5).Select(i => log.Append("web-prod", At.AddSeconds(i), StackEventKind.Hold, $"e{i}")).ToList();
        log.Append("other", At, StackEventKind.Synced, "not mine");

        var first = log.Page("web-prod", 2, null);
        var second = log.Page("web-prod", 2, first[^1].Id);
        var last = log.Page("web-prod", 2, second[^1].Id);

        Assert.Equal(["e4", "e3"], first.Select(e => e.Message));
        Assert.Equal(["e2", "e1"], second.Select(e => e.Message));
        Assert.Equal(["e0"], last.Select(e => e.Message));
        Assert.Empty(log.Page("web-prod", 2, ids[0]));
    }

    [Fact]
    public void Only_the_newest_rows_of_each_stack_are_kept()
    {
        var log = new StackEventLog(Open(), keepPerStack: 3);
        for (var i = 0; i < 7; i++) log.Append("web-prod", At, StackEventKind.DriftSeen, $"e{i}");
        log.Append("other", At, StackEventKind.Synced, "kept");

        Assert.Equal(["e6", "e5", "e4"], log.Page("web-prod", 100, null).Select(e => e.Message));
        Assert.Single(log.Page("other", 100, null));
    }

    [Fact]
    public void Every_kind_is_spelled_lower_case_hyphenated()
    {
        Assert.Equal(Enum.GetValues<StackEventKind>(), StackEventKinds.Spellings.Values);
        Assert.All(StackEventKinds.Spellings.Texts, t => Assert.Matches("^[a-z]+(-[a-z]+)*$", t));
    }

    [Fact]
    public void Apply_history_pages_newest_first_with_the_preview()
    {
        var history = new ApplyHistory(Open());
        var ids = new[] { "git-aaa1111", "git-bbb2222", "git-ccc3333" }
            .Select(tag => history.Started(new ApplyRecord(0, "web-prod", "pulumi", "Deploy", "poll", "r", tag, At, null, null, null, [])))
            .ToList();
        var preview = new PreviewSummary(new Dictionary<string, int> { ["update"] = 2 }, ["update web"], ["warning: x"]);
        history.Finished(ids[2], At.AddSeconds(5), "Succeeded", "ok", [], preview);

        var first = history.Page("web-prod", 2, null);
        var rest = history.Page("web-prod", 2, first[^1].Id);

        Assert.Equal(["git-ccc3333", "git-bbb2222"], first.Select(r => r.Tag));
        Assert.Equal(["git-aaa1111"], rest.Select(r => r.Tag));
        Assert.Equal(2, first[0].Preview!.ChangeSummary["update"]);
        Assert.Equal(["update web"], first[0].Preview!.Steps);
        Assert.Null(first[1].Preview);
    }

    public void Dispose() => _data.Dispose();
}
