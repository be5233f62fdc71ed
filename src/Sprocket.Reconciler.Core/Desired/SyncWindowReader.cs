namespace Sprocket.Reconciler.Core.Desired;

/// <summary>Reads one entry of a policy's <c>syncWindows</c> list.</summary>
internal static class SyncWindowReader
{
    public static SyncWindow? Read(YamlNode node, string path, ErrorCollector errors)
    {
        var window = MappingReader.Open(node, path, errors, DesiredStateVocabulary.SyncWindowKeys, "a sync window");
        if (window is null)
        {
            return null;
        }

        var kind = ReadKind(window);
        var timeZone = window.OptionalString("timeZone", DesiredStateLimits.MaxTimeZoneLength) ?? SyncWindowSyntax.DefaultTimeZone;
        if (!SyncWindowSyntax.TryFindTimeZone(timeZone, out var zone))
        {
            // Windows ids ("Romance Standard Time") need ICU to map to IANA ids, and this build runs without it.
            var hint = timeZone.Contains(' ') ? " (Windows time zone ids are not supported)" : "";
            window.Error("timeZone", $"{DisplayText.Quote(timeZone)} is not a time zone known here{hint}; expected {SyncWindowSyntax.TimeZoneExpected}");
        }

        var schedule = window.RequiredString("schedule", SyncWindowSyntax.ScheduleExpected);
        // Whether a cron expression is valid does not depend on its zone, so an unknown zone is no reason to skip this.
        if (schedule.Length > 0 && ScheduleProblem(schedule, zone ?? TimeZoneInfo.Utc) is { } problem)
        {
            window.Error("schedule", problem);
        }

        return new SyncWindow(kind ?? SyncWindowKind.Deny, schedule, ReadDuration(window), timeZone);
    }

    private static string? ScheduleProblem(string schedule, TimeZoneInfo zone)
    {
        if (!SyncWindowSyntax.TryParseSchedule(schedule, zone, out var cron, out var problem))
        {
            return $"{DisplayText.Quote(schedule)} is not a valid Quartz cron expression: {problem}";
        }

        return SyncWindowSyntax.NeverFires(schedule, cron) is { } never ? $"{DisplayText.Quote(schedule)} is refused: {never}" : null;
    }

    private static SyncWindowKind? ReadKind(MappingReader window)
    {
        if (!window.Has("kind"))
        {
            window.Missing("kind", $"one of {string.Join(", ", DesiredStateVocabulary.SyncWindowKinds.Keys)}");
            return null;
        }

        return window.OptionalEnum("kind", DesiredStateVocabulary.SyncWindowKinds);
    }

    private static TimeSpan ReadDuration(MappingReader window)
    {
        if (!window.Has("duration"))
        {
            window.Missing("duration", $"how long the window stays active after each fire time, {DurationSyntax.Expected}");
            return TimeSpan.Zero;
        }

        var duration = window.OptionalDuration("duration");
        if (duration <= TimeSpan.Zero)
        {
            // A window that is never active would block every automatic apply (allow) or do nothing (deny), silently.
            window.Error("duration", $"must be longer than zero; got {duration:c}");
        }
        else if (duration > SyncWindowSyntax.MaxDuration)
        {
            window.Error("duration", $"must be at most {SyncWindowSyntax.MaxDuration.TotalDays:0} days; got {duration:c}");
        }

        return duration ?? TimeSpan.Zero;
    }
}
