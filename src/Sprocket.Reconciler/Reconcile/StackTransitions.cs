using System.Globalization;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// What a change of a stack's record means for its timeline: pure functions from before and after to the entries to
/// append (none when nothing an on-call engineer would look for happened). <see cref="StackTimeline"/> stores them.
/// </summary>
public static class StackTransitions
{
    /// <summary>
    /// Holds starting and ending, and the stabilization clock of an emergency rollback starting or starting over, from
    /// the policy state before and after. <paramref name="seen"/> (the evaluation it was decided on, when there is one)
    /// names the live tag; <paramref name="why"/> says what lifted a hold when the state cannot tell.
    /// </summary>
    public static IEnumerable<TimelineEntry> OfState(
        StackRuntimeState before, StackRuntimeState after, StackEvaluation? seen, TimeSpan? stabilization, string? why = null)
    {
        var desiredTag = after.DesiredTagSeen ?? before.DesiredTagSeen;
        if (after.Hold is { } hold && !SameHold(before.Hold, hold))
        {
            switch (hold.Reason)
            {
                case HoldReason.EmergencyRollback:
                    yield return new(StackEventKind.EmergencyRollback, hold.Message,
                        after.Incident?.GoodTag ?? LiveTagOtherThan(seen, desiredTag), after.Incident?.BadTag ?? desiredTag);
                    break;
                case HoldReason.Drift:
                    yield return new(StackEventKind.DriftSeen, seen?.Message ?? hold.Message, LiveTagOtherThan(seen, desiredTag), desiredTag);
                    yield return new(StackEventKind.Hold, hold.Message, desiredTag);
                    break;
                default:
                    yield return new(StackEventKind.Hold, hold.Message, desiredTag);
                    break;
            }
        }
        else if (before.Hold is { } lifted && after.Hold is null)
        {
            var cause = why
                ?? (before.DesiredTagSeen is not null && after.DesiredTagSeen != before.DesiredTagSeen ? $"git names {after.DesiredTagSeen} now"
                : "the hold ended");
            yield return new(StackEventKind.Resume, $"{cause} (held for {lifted.Reason.Spell()} since {Utc(lifted.Since)})", desiredTag);
        }
        else if (why is not null && before != after)
        {
            // A resume of a stack that was not held still lifts what stopped it: the circuit, a refused tag, a rollback seen.
            var lifts = new[]
            {
                before.ConsecutiveFailures > 0 ? $"circuit closed after {before.ConsecutiveFailures} failed applies" : null,
                before.RefusedTag is { } refused ? $"{refused} no longer refused" : null,
            }.OfType<string>().ToList();
            yield return new(StackEventKind.Resume, lifts.Count == 0 ? why : $"{why} ({string.Join("; ", lifts)})", desiredTag);
        }

        var (was, now) = (before.Incident, after.Incident);
        if (now is { StableSince: { } since } && was?.StableSince != since)
        {
            var deadline = stabilization is { } wait ? $"; written back to git at {Utc(since + wait)} unless what runs changes" : "";
            yield return was is { StableSince: not null } && was.BadTag == now.BadTag
                ? new(StackEventKind.StabilizationReset, $"what runs changed; {now.GoodTag ?? "the rollback"} stable again since {Utc(since)}{deadline}", now.GoodTag, now.BadTag)
                : new(StackEventKind.StabilizationStarted, $"the rollback to {now.GoodTag ?? "an untagged image"} settled at {Utc(since)}{deadline}", now.GoodTag, now.BadTag);
        }
        else if (was is { StableSince: not null } && now is { StableSince: null } && was.BadTag == now.BadTag)
        {
            yield return new(StackEventKind.StabilizationReset, "what runs changed before the rollback had been stable long enough; waiting for it to settle again",
                now.GoodTag, now.BadTag);
        }
    }

    /// <summary>
    /// Drift seen (in the verdict, whatever the policy made of it: reverted, alerted; a hold says it itself), the desired
    /// state refused for the stack, and the return to sync (in the published status).
    /// </summary>
    /// <param name="previous">The stack's verdict of the pass before; null after a start.</param>
    /// <param name="revision">The desired revision in force: a refusal already told is one of the same revision.</param>
    /// <param name="lastSaid">After a start or a time as a standby (<paramref name="before"/> null): the newest of the
    /// stack's stored <see cref="StatusKinds"/> events. A drift or a refusal it already tells of, still there, is not news:
    /// it must not be repeated; one that has ended since is (back in sync).</param>
    public static IEnumerable<TimelineEntry> OfStatus(StackEvaluation? previous, StackControl? before, StackControl after, StackEvaluation evaluation,
        string? revision, StackEvent? lastSaid = null)
    {
        if (evaluation.Status == StackStatus.Drifted && previous?.Status != StackStatus.Drifted && after.Status != StackStatus.Held)
        {
            var drift = new TimelineEntry(StackEventKind.DriftSeen, evaluation.Message, LiveTagOtherThan(evaluation, evaluation.DesiredTag), evaluation.DesiredTag);
            if (!Tells(lastSaid, drift, revision: null)) yield return drift;
        }
        if (before?.Status == after.Status) yield break;
        switch (after.Status)
        {
            case StackStatus.Invalid:
                var rejected = new TimelineEntry(StackEventKind.DesiredRejected, after.Message, evaluation.DesiredTag);
                if (!Tells(lastSaid, rejected, revision)) yield return rejected;
                break;
            // A restart finding a synced stack is no event, unless the timeline's last word on it was a drift or a refusal.
            case StackStatus.Synced when before is not null || lastSaid?.Kind == StackEventKind.DriftSeen.Spell()
                || lastSaid?.Kind == StackEventKind.DesiredRejected.Spell():
                yield return new(StackEventKind.Synced, after.Message, evaluation.DesiredTag);
                break;
        }
    }

    /// <summary>
    /// The kinds that tell a stack's status on its timeline: the newest of them says whether a drift or a refusal found
    /// at a start is already recorded (a sync or a successful apply since means it is a new one).
    /// </summary>
    public static IReadOnlyCollection<StackEventKind> StatusKinds { get; } =
        [StackEventKind.DriftSeen, StackEventKind.DesiredRejected, StackEventKind.Synced, StackEventKind.ApplySucceeded];

    /// <summary>Whether <paramref name="said"/> is already <paramref name="entry"/>: same kind and tags (and, for a refusal,
    /// the same revision — a new commit refused is news).</summary>
    private static bool Tells(StackEvent? said, TimelineEntry entry, string? revision) =>
        said is not null && said.Kind == entry.Kind.Spell() && said.Tag == entry.Tag && said.PreviousTag == entry.PreviousTag
        && (revision is null || said.Revision == revision);

    public static TimelineEntry OfApplyStart(ApplyStart start)
    {
        var engine = ApplyEngines.NameOf(start.Stack);
        var tag = start.Stack.ImageTag;
        var message = start.Mode == ApplyMode.Align
            ? $"aligning the {engine} engine's record with {tag}, which runs ({start.Trigger.Spell()})"
            : $"applying {tag} with {engine} ({start.Trigger.Spell()})";
        return new(StackEventKind.ApplyStarted, message, tag, LiveTagOtherThan(start.Evaluation, tag));
    }

    /// <summary>The apply's end; then the realignment completed by an align, and the circuit the failure opened.</summary>
    public static IEnumerable<TimelineEntry> OfApplyEnd(StackSpec stack, ApplyMode mode, ApplyCompletion completion, StackRuntimeState before, StackRuntimeState after)
    {
        var tag = stack.ImageTag;
        var what = mode == ApplyMode.Align ? "align" : "apply";
        var seconds = completion.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        var succeeded = completion.Kind == ApplyOutcome.Succeeded;
        // A registry outage retries every few seconds: its first refusal is the news, not each retry.
        if (completion.Kind == ApplyOutcome.RegistryUnavailable && before.RegistryRetries > 0) yield break;
        yield return new(succeeded ? StackEventKind.ApplySucceeded : StackEventKind.ApplyFailed,
            $"{what} of {tag} {completion.Outcome.Spell()} after {seconds} s: {completion.Message}", tag);
        if (succeeded && before.Incident is not null && after.Incident is null)
            yield return new(StackEventKind.Aligned, $"realigned: git and the {ApplyEngines.NameOf(stack)} engine's record name {tag}, which runs", tag, before.Incident.BadTag);
        var max = stack.Policy.MaxConsecutiveFailures;
        if (!before.CircuitOpen(max) && after.CircuitOpen(max))
            yield return new(StackEventKind.CircuitOpen,
                $"circuit open after {after.ConsecutiveFailures} failed applies (last: {after.LastFailure}); a new tag in git or an API reconcile retries", tag);
    }

    /// <summary>How a write-back ended; a commit links to its page when the desired-state repository is on GitHub.</summary>
    public static TimelineEntry OfWriteBack(RollbackIncident incident, IncidentWriteOutcome outcome, GitHubRepository? repository)
    {
        var (good, bad) = (incident.GoodTag, incident.BadTag);
        return outcome.Record switch
        {
            null => new(StackEventKind.WriteBackFailed, outcome.Message, good, bad),
            { Kind: WriteBackKind.Commit } commit => new(StackEventKind.WriteBackCommit, outcome.Message, good, bad,
                repository is null ? null : $"https://{repository.Host}/{repository.Owner}/{repository.Name}/commit/{commit.Reference}", commit.Reference),
            { Kind: WriteBackKind.PullRequest } pr => new(StackEventKind.WriteBackPullRequest, outcome.Message, good, bad, pr.Reference),
            { Kind: WriteBackKind.Superseded } superseded => new(StackEventKind.WriteBackSuperseded, outcome.Message, good, bad, Revision: superseded.Reference),
            { Kind: WriteBackKind.NothingToDo } => new(StackEventKind.WriteBackNothingToDo, outcome.Message, good, bad),
            _ => new(StackEventKind.WriteBackFailed, outcome.Message, good, bad),
        };
    }

    private static bool SameHold(StackHold? before, StackHold after) =>
        before is not null && before.Reason == after.Reason && before.Since == after.Since && before.Manual == after.Manual;

    private static string? LiveTagOtherThan(StackEvaluation? evaluation, string? desiredTag) =>
        evaluation?.Services.Where(s => !s.ObserveOnly).Select(s => s.LiveTag).FirstOrDefault(t => t is not null && t != desiredTag);

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>One entry for a stack's timeline; <see cref="Revision"/> when it is not the desired revision in force.</summary>
public sealed record TimelineEntry(StackEventKind Kind, string Message, string? Tag = null, string? PreviousTag = null, string? Link = null, string? Revision = null);
