using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Quartz;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// How a sync window's schedule and time zone are written and read, shared by the parser (which reports
/// problems) and <see cref="Policy.SyncWindows"/> (which evaluates windows the parser accepted).
/// </summary>
public static partial class SyncWindowSyntax
{
    public const string DefaultTimeZone = "UTC";

    /// <summary>
    /// A window longer than a week says nothing a weekly schedule cannot, and the bound keeps every
    /// window's end inside <see cref="Policy.SyncWindows.SearchHorizon"/>.
    /// </summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    public const string ScheduleExpected =
        "a Quartz cron expression with seconds first (seconds minutes hours day-of-month month day-of-week [year]), e.g. 0 0 9 ? * MON-FRI";

    public const string TimeZoneExpected = "an IANA time zone id such as Europe/Paris, America/New_York or UTC";

    /// <summary>Longer text is never a sensible cron expression; bounds the work on hostile input.</summary>
    private const int MaxScheduleLength = 200;

    /// <summary>
    /// Resolves an IANA id from the machine's tz database (/usr/share/zoneinfo; this works with
    /// InvariantGlobalization on). Windows ids are refused by shape: turning them into IANA ids needs
    /// ICU, which this build leaves out, so they would resolve on one machine and not on another.
    /// </summary>
    public static bool TryFindTimeZone(string id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (id == DefaultTimeZone)
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }

        if (!TimeZoneId().IsMatch(id))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Parses <paramref name="schedule"/> read in <paramref name="zone"/>; on failure <paramref name="problem"/> is Quartz's own explanation.</summary>
    public static bool TryParseSchedule(
        string schedule, TimeZoneInfo zone, [NotNullWhen(true)] out CronExpression? cron, [NotNullWhen(false)] out string? problem)
    {
        cron = null;
        problem = null;
        if (schedule.Length > MaxScheduleLength)
        {
            problem = $"longer than {MaxScheduleLength} characters";
            return false;
        }

        try
        {
            // Always with an explicit zone: without one Quartz reads the schedule in the machine's local zone.
            cron = new CronExpression(schedule, zone);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            problem = ex.Message;
            return false;
        }
    }

    /// <summary>
    /// A window whose schedule never fires would silently block every automatic apply (allow) or do
    /// nothing (deny). Decided without the clock: a year field could make a schedule valid today and
    /// dead next year, so only '*' is taken there; without one a schedule repeats every 400 years at
    /// most, so it fires forever if it fires once after any fixed instant (Feb 30 never does).
    /// </summary>
    public static string? NeverFires(string schedule, CronExpression cron)
    {
        var fields = schedule.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 7 && fields[6] != "*")
        {
            return $"the year field '{fields[6]}' would let the window stop firing; give six fields, or '*' as the year";
        }

        return cron.GetNextValidTimeAfter(NeverFiresReference) is null
            ? "it never fires (no date matches every field, e.g. 30 February); the window would never be active"
            : null;
    }

    private static readonly DateTimeOffset NeverFiresReference = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Area/Location[/More], Etc/GMT+2, UTC: no spaces (Windows ids) and no '.' (no path tricks into the tz database).
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TimeZoneId();
}
