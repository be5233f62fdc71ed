using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.Reconcile;

public sealed class StackTransitionsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);
    private static readonly RollbackIncident Incident = new("git-bbb2222", "git-aaa1111", [], At, "k", At, null);

    [Fact]
    public void A_commit_links_to_its_page_on_github_and_a_pull_request_to_itself()
    {
        var repository = GitHubRepository.TryParse("https://github.com/acme/deploy.git");
        var commit = StackTransitions.OfWriteBack(Incident,
            new IncidentWriteOutcome(new WriteBackRecord(WriteBackKind.Commit, "0123abcd", At), "committed 0123abcd on main"), repository);
        var pr = StackTransitions.OfWriteBack(Incident,
            new IncidentWriteOutcome(new WriteBackRecord(WriteBackKind.PullRequest, "https://github.com/acme/deploy/pull/7", At), "pull request #7 opened"), repository);
        var failed = StackTransitions.OfWriteBack(Incident, new IncidentWriteOutcome(null, "push refused"), repository);

        Assert.Equal((StackEventKind.WriteBackCommit, "https://github.com/acme/deploy/commit/0123abcd", "0123abcd"), (commit.Kind, commit.Link, commit.Revision));
        Assert.Equal((StackEventKind.WriteBackPullRequest, "https://github.com/acme/deploy/pull/7"), (pr.Kind, pr.Link));
        Assert.Equal((StackEventKind.WriteBackFailed, "push refused", "git-aaa1111", "git-bbb2222"), (failed.Kind, failed.Message, failed.Tag, failed.PreviousTag));
        Assert.Null(StackTransitions.OfWriteBack(Incident,
            new IncidentWriteOutcome(new WriteBackRecord(WriteBackKind.Commit, "0123abcd", At), "c"), repository: null).Link);
    }

    [Fact]
    public void A_clock_that_starts_again_is_a_reset_and_an_unchanged_state_says_nothing()
    {
        var state = StackRuntimeState.Initial with { DesiredTagSeen = "git-bbb2222", Incident = Incident };
        var later = state with { Incident = Incident with { StableSince = At.AddMinutes(1) } };
        var unsettled = state with { Incident = Incident with { StableSince = null } };

        Assert.Empty(StackTransitions.OfState(state, state, null, TimeSpan.FromMinutes(2)));
        Assert.Equal([StackEventKind.StabilizationReset], StackTransitions.OfState(state, later, null, TimeSpan.FromMinutes(2)).Select(e => e.Kind));
        Assert.Equal([StackEventKind.StabilizationReset], StackTransitions.OfState(state, unsettled, null, null).Select(e => e.Kind));
        Assert.Equal([StackEventKind.StabilizationStarted], StackTransitions.OfState(unsettled, later, null, null).Select(e => e.Kind));
    }

    [Fact]
    public void A_drift_hold_is_drift_seen_then_hold_and_a_new_tag_ends_it()
    {
        var held = StackRuntimeState.Initial with { DesiredTagSeen = "git-aaa1111", Hold = new StackHold(HoldReason.Drift, "held on drift: x", At) };

        Assert.Equal([StackEventKind.DriftSeen, StackEventKind.Hold],
            StackTransitions.OfState(StackRuntimeState.Initial with { DesiredTagSeen = "git-aaa1111" }, held, null, null).Select(e => e.Kind));
        var resumed = Assert.Single(StackTransitions.OfState(held, StackRuntimeState.Initial with { DesiredTagSeen = "git-ccc3333" }, null, null));
        Assert.Equal((StackEventKind.Resume, "git-ccc3333"), (resumed.Kind, resumed.Tag));
        Assert.StartsWith("git names git-ccc3333 now (held for drift since 2026-11-30 03:00:00Z)", resumed.Message, StringComparison.Ordinal);
        // The message of a running hold changes every pass; the hold does not.
        Assert.Empty(StackTransitions.OfState(held, held with { Hold = held.Hold! with { Message = "held on drift: y" } }, null, null));
    }
}
