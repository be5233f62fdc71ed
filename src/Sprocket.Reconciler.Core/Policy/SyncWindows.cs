using System.Globalization;
using Quartz;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Core.Policy;

/// <summary>
/// When a stack's sync windows (policy.syncWindows, modelled on Argo CD's) let an automatic apply run.
/// A window is active from each fire time t of its cron schedule, read in its time zone, until
/// t + duration: active at <c>now</c> when some fire time t has t ≤ now &lt; t + duration. Together:
/// <list type="bullet">
/// <item>no windows: always open;</item>
/// <item>with any allow window, automatic applies run only while some allow window is active;</item>
/// <item>an active deny window always blocks, even inside an active allow window (deny wins).</item>
/// </list>
/// Only automatic applies are gated: a manual reconcile through the API ignores windows, and that is
/// the caller's business. Pure: the caller passes the instant, nothing here reads the clock.
/// </summary>
public static class SyncWindows
{
    /// <summary>How far ahead <see cref="SyncWindowVerdict.NextOpen"/> is looked for: twice the longest window.</summary>
    public static readonly TimeSpan SearchHorizon = TimeSpan.FromDays(14);

    /// <summary>
    /// Fire times the search for the next opening may step through. Only a schedule firing every few
    /// seconds with a tiny duration comes near it; the search then gives up (NextOpen null) instead of spinning.
    /// </summary>
    private const int MaxSearchSteps = 20_000;

    /// <summary>Evaluates windows the desired-state parser accepted.</summary>
    /// <exception cref="ArgumentException">A window's schedule or time zone does not parse.</exception>
    public static SyncWindowVerdict Evaluate(IReadOnlyList<SyncWindow> windows, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count == 0)
        {
            return new SyncWindowVerdict(true, now, "no sync windows: automatic applies are always allowed");
        }

        var compiled = windows.Select(ActiveWindow.Compile).ToList();
        var budget = new SearchBudget(now + SearchHorizon, MaxSearchSteps);
        var state = StateAt(compiled, now, budget);
        if (state.Open)
        {
            return new SyncWindowVerdict(true, now, state.Reason);
        }

        var nextOpen = FindNextOpen(compiled, state.ClosedUntil, budget);
        var when = nextOpen is { } next
            ? $"; automatic applies wait until {Show(next)}"
            : $"; no opening within {SearchHorizon.TotalDays:0} days";
        return new SyncWindowVerdict(false, nextOpen, state.Reason + when);
    }

    /// <param name="ClosedUntil">When closed: the earliest instant it could open (a lower bound, to search from).</param>
    private sealed record State(bool Open, string Reason, DateTimeOffset? ClosedUntil);

    private static State StateAt(IReadOnlyList<ActiveWindow> windows, DateTimeOffset at, SearchBudget budget)
    {
        var activeDenies = windows.Where(w => w.Kind == SyncWindowKind.Deny && w.IsActiveAt(at)).ToList();
        if (activeDenies.Count > 0)
        {
            // Every active deny must have ended before anything can open.
            var ends = activeDenies.Select(w => (Window: w, End: w.ActiveUntil(at, budget))).ToList();
            if (ends.FirstOrDefault(e => e.End is null).Window is { } endless)
            {
                return new State(false, $"{endless} stays active past {Show(budget.Limit)}", null);
            }

            var last = ends.MaxBy(e => e.End!.Value);
            return new State(false, $"{last.Window} is active until {Show(last.End!.Value)}", last.End);
        }

        var allows = windows.Where(w => w.Kind == SyncWindowKind.Allow).ToList();
        if (allows.Count == 0)
        {
            return new State(true, "no deny window is active and there are no allow windows", null);
        }

        if (allows.FirstOrDefault(w => w.IsActiveAt(at)) is { } allow)
        {
            var until = allow.ActiveUntil(at, budget) is { } end ? $"until {Show(end)}" : $"past {Show(budget.Limit)}";
            return new State(true, $"inside {allow}, active {until}", null);
        }

        var nextStart = allows.Select(w => w.NextFireAfter(at)).Where(t => t is not null).Min();
        return new State(false, "outside every allow window", nextStart);
    }

    /// <summary>
    /// Openness only changes where a window starts or ends, so the search hops from one such instant to
    /// the next: past every active deny, or forward to the next allow window's start.
    /// </summary>
    private static DateTimeOffset? FindNextOpen(IReadOnlyList<ActiveWindow> windows, DateTimeOffset? from, SearchBudget budget)
    {
        var at = from;
        while (at is { } candidate && budget.Allows(candidate))
        {
            var state = StateAt(windows, candidate, budget);
            if (state.Open)
            {
                return candidate;
            }

            at = state.ClosedUntil;
        }

        return null;
    }

    private static string Show(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Bounds the search by a time limit and a step count, shared by every loop of one evaluation.</summary>
    private sealed class SearchBudget(DateTimeOffset limit, int steps)
    {
        private int _steps = steps;

        public DateTimeOffset Limit { get; } = limit;

        public bool Allows(DateTimeOffset instant) => instant <= Limit && _steps-- > 0;
    }

    private sealed record ActiveWindow(int Index, SyncWindow Spec, CronExpression Cron)
    {
        /// <summary>
        /// Quartz's rule, decided from the seconds, minutes and hours fields alone: a wildcard, step or
        /// range there makes an interval schedule, which fires through both passes of a repeated hour.
        /// </summary>
        private bool FiresInBothPasses { get; } = Cron.CronExpressionString
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Take(3)
            .Any(field => field.IndexOfAny(['*', '/', '-']) >= 0);

        public SyncWindowKind Kind => Spec.Kind;

        public static ActiveWindow Compile(SyncWindow window, int index)
        {
            if (!SyncWindowSyntax.TryFindTimeZone(window.TimeZone, out var zone))
            {
                throw new ArgumentException($"syncWindows[{index}]: unknown time zone '{window.TimeZone}'.", nameof(window));
            }

            if (!SyncWindowSyntax.TryParseSchedule(window.Schedule, zone, out var cron, out var problem))
            {
                throw new ArgumentException($"syncWindows[{index}]: invalid schedule '{window.Schedule}': {problem}", nameof(window));
            }

            return new ActiveWindow(index, window, cron);
        }

        public bool IsActiveAt(DateTimeOffset at) => LatestFireCovering(at) is not null;

        public DateTimeOffset? NextFireAfter(DateTimeOffset at)
        {
            var next = Cron.GetNextValidTimeAfter(at);
            while (next is { } fire && IsSkippedSecondPass(fire))
            {
                next = Cron.GetNextValidTimeAfter(fire);
            }

            return next;
        }

        /// <summary>
        /// When the window stops being active, given it is active at <paramref name="at"/>: the latest fire
        /// time plus the duration, extended while another fire starts before that end (overlapping or
        /// back-to-back occurrences are one stretch of activity). Null when that end lies past the search budget.
        /// </summary>
        public DateTimeOffset? ActiveUntil(DateTimeOffset at, SearchBudget budget)
        {
            var end = at;
            while (LatestFireCovering(end) is { } fire)
            {
                end = fire + Spec.Duration;
                if (!budget.Allows(end))
                {
                    return null;
                }
            }

            return end;
        }

        /// <summary>
        /// The latest fire time t with t ≤ at &lt; t + duration, or null when the window is not active at
        /// <paramref name="at"/>. Whether there is one is decided by the first fire after at − duration; the
        /// previous-fire query then jumps to the latest, so a frequent schedule is not walked fire by fire.
        /// </summary>
        private DateTimeOffset? LatestFireCovering(DateTimeOffset at)
        {
            if (Spec.Duration <= TimeSpan.Zero || NextFireAfter(at - Spec.Duration) is not { } earliest || earliest > at)
            {
                return null;
            }

            return PreviousFireAtOrBefore(at) is { } latest && latest > earliest ? latest : earliest;
        }

        private DateTimeOffset? PreviousFireAtOrBefore(DateTimeOffset at)
        {
            // Fire times are whole seconds, so "strictly before at + one tick" is "at or before at".
            var previous = Cron.GetPreviousValidTimeBefore(at.AddTicks(1));
            while (previous is { } fire && IsSkippedSecondPass(fire))
            {
                previous = Cron.GetPreviousValidTimeBefore(fire);
            }

            return previous;
        }

        /// <summary>
        /// True for an instant in the second pass of the hour a zone repeats when its clocks go back, where
        /// Quartz's own triggers do not fire: a fixed-time schedule (02:30 daily) fires on the first pass
        /// only, an interval schedule (every 15 minutes, every hour) on both. Quartz's next-after answers
        /// from wherever it starts (from the last seconds of the first pass it does return the second 02:30
        /// of a fixed-time schedule), so without this whether a window is active would depend on the
        /// instant the question is asked from.
        /// </summary>
        private bool IsSkippedSecondPass(DateTimeOffset instant)
        {
            if (FiresInBothPasses)
            {
                return false;
            }

            var zone = Cron.TimeZone;
            return zone.IsAmbiguousTime(instant) && zone.GetUtcOffset(instant) < zone.GetAmbiguousTimeOffsets(instant).Max();
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{DesiredStateVocabulary.Spell(Kind)} window syncWindows[{Index}] ({Spec.Schedule} for {Spec.Duration:c}, {Spec.TimeZone})");
    }
}
