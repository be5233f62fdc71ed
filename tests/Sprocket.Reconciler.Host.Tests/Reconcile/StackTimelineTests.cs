using Microsoft.Extensions.Logging.Testing;
using Sprocket.Reconciler.Host.Tests.State;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.Reconcile;

/// <summary>The timeline never throws into the loop: not while its entries are worked out, not while they are stored.</summary>
public sealed class StackTimelineTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _data = new();
    private readonly FakeLogger<StackTimeline> _logger = new();

    [Fact]
    public void Transitions_that_throw_while_enumerated_are_logged_and_add_nothing()
    {
        var (timeline, log) = Open();

        timeline.Record("shop", At, "rev", ThrowingAfterOne);

        Assert.Empty(log.Page("shop", 10, null));
        Assert.Equal(3009, _logger.LatestRecord.Id.Id);
    }

    [Fact]
    public void A_transition_that_throws_while_computed_is_logged()
    {
        var (timeline, log) = Open();

        timeline.Record("shop", At, "rev", new Func<TimelineEntry>(() => throw new InvalidOperationException("no such stack")));

        Assert.Empty(log.Page("shop", 10, null));
        Assert.Equal(3009, _logger.LatestRecord.Id.Id);
    }

    [Fact]
    public void Entries_worked_out_are_stored_with_the_revision_in_force()
    {
        var (timeline, log) = Open();

        timeline.Record("shop", At, "rev", () => [new TimelineEntry(StackEventKind.Hold, "held"), new TimelineEntry(StackEventKind.Resume, "resumed", Revision: "other")]);

        Assert.Equal([("resume", "other"), ("hold", "rev")], log.Page("shop", 10, null).Select(e => (e.Kind, e.Revision)));
    }

    private static IEnumerable<TimelineEntry> ThrowingAfterOne()
    {
        yield return new TimelineEntry(StackEventKind.Hold, "held");
        throw new InvalidOperationException("a transition that could not be worked out");
    }

    private (StackTimeline Timeline, StackEventLog Log) Open()
    {
        var log = new StackEventLog(StateDatabase.Open(_data.Path, StateMigrations.All, TimeProvider.System));
        return (new StackTimeline(log, _logger), log);
    }

    public void Dispose() => _data.Dispose();
}
