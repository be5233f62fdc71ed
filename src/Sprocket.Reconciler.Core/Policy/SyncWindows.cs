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
            var last = ends.MaxBy(e => e.End);
            return new State(false, $"{last.Window} is active until {Show(last.End)}", last.End);
        }

        var allows = windows.Where(w => w.Kind == SyncWindowKind.Allow).ToList();
        if (allows.Count == 0)
        {
            return new State(true, "no deny window is active and there are no allow windows", null);
        }

        if (allows.FirstOrDefault(w => w.IsActiveAt(at)) is { } allow)
        {
            return new State(true, $"inside {allow} until {Show(allow.ActiveUntil(at, budget))}", null);
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

        /// <summary>Some fire time t has t ≤ at &lt; t + duration; the first fire after at − duration is the one to check.</summary>
        public bool IsActiveAt(DateTimeOffset at) =>
            Spec.Duration > TimeSpan.Zero && Cron.GetNextValidTimeAfter(at - Spec.Duration) is { } fire && fire <= at;

        public DateTimeOffset? NextFireAfter(DateTimeOffset at) => Cron.GetNextValidTimeAfter(at);

        /// <summary>
        /// When the window stops being active, given it is active at <paramref name="at"/>: the latest fire
        /// time plus the duration, extended while another fire starts before that end (overlapping or
        /// back-to-back occurrences are one stretch of activity).
        /// </summary>
        public DateTimeOffset ActiveUntil(DateTimeOffset at, SearchBudget budget)
        {
            var end = at;
            while (budget.Allows(end) && LatestFireAtOrBefore(end) is { } fire && fire + Spec.Duration > end)
            {
                end = fire + Spec.Duration;
            }

            return end;
        }

        // Fire times are whole seconds, so "strictly before end + one tick" is "at or before end".
        private DateTimeOffset? LatestFireAtOrBefore(DateTimeOffset at) => Cron.GetPreviousValidTimeBefore(at.AddTicks(1));

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{DesiredStateVocabulary.Spell(Kind)} window syncWindows[{Index}] ({Spec.Schedule} for {Spec.Duration:c}, {Spec.TimeZone})");
    }
}
