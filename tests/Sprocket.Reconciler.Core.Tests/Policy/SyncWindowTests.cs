using System.Globalization;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Core.Tests.Policy;

public sealed class SyncWindowTests
{
    // Office hours in Paris: 09:00-17:00 wall clock, Monday to Friday. Paris is UTC+1 in winter (CET)
    // and UTC+2 in summer (CEST); in 2025 the clocks went forward on 30 March and back on 26 October.
    private static readonly SyncWindow ParisOfficeHours = Allow("0 0 9 ? * MON-FRI", "8h", "Europe/Paris");

    private static SyncWindow Allow(string schedule, string duration, string timeZone = "UTC") =>
        new(SyncWindowKind.Allow, schedule, Duration(duration), timeZone);

    private static SyncWindow Deny(string schedule, string duration, string timeZone = "UTC") =>
        new(SyncWindowKind.Deny, schedule, Duration(duration), timeZone);

    private static TimeSpan Duration(string text) =>
        DurationSyntax.TryParse(text, out var value) ? value : throw new ArgumentException(text);

    private static DateTimeOffset Utc(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>The verdict at <paramref name="now"/>: open, or closed until <paramref name="nextOpen"/> ("never" for null).</summary>
    private static void AssertVerdict(SyncWindow[] windows, string now, bool open, string nextOpen)
    {
        var verdict = SyncWindows.Evaluate(windows, Utc(now));

        Assert.True(open == verdict.Open, $"at {now}: expected {(open ? "open" : "closed")}, got {verdict}");
        Assert.Equal(nextOpen == "never" ? null : Utc(nextOpen), verdict.NextOpen);
    }

    [Fact]
    public void No_windows_is_always_open()
    {
        var now = Utc("2025-01-04T03:00:00Z");

        var verdict = SyncWindows.Evaluate([], now);

        Assert.Equal(new SyncWindowVerdict(true, now, "no sync windows: automatic applies are always allowed"), verdict);
    }

    public static TheoryData<string, bool, string> OfficeHours => new()
    {
        // Winter (CET, UTC+1): 09:00 Paris is 08:00Z. Start inclusive, end exclusive.
        { "2025-01-06T07:59:59Z", false, "2025-01-06T08:00:00Z" },
        { "2025-01-06T08:00:00Z", true, "2025-01-06T08:00:00Z" },
        { "2025-01-06T15:59:59Z", true, "2025-01-06T15:59:59Z" },
        { "2025-01-06T16:00:00Z", false, "2025-01-07T08:00:00Z" },
        // Friday evening waits for Monday morning.
        { "2025-01-10T17:00:00Z", false, "2025-01-13T08:00:00Z" },
        // Across the spring change: Friday 28 March is CET, Monday 31 March is CEST (09:00 Paris = 07:00Z).
        { "2025-03-28T07:30:00Z", false, "2025-03-28T08:00:00Z" },
        { "2025-03-29T12:00:00Z", false, "2025-03-31T07:00:00Z" },
        { "2025-03-31T07:00:00Z", true, "2025-03-31T07:00:00Z" },
        { "2025-03-31T14:59:59Z", true, "2025-03-31T14:59:59Z" },
        { "2025-03-31T15:00:00Z", false, "2025-04-01T07:00:00Z" },
        // Across the autumn change: Friday 24 October is CEST, Monday 27 October is CET again.
        { "2025-10-24T15:00:00Z", false, "2025-10-27T08:00:00Z" },
        { "2025-10-27T07:30:00Z", false, "2025-10-27T08:00:00Z" },
        { "2025-10-27T08:00:00Z", true, "2025-10-27T08:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(OfficeHours))]
    public void Allow_window_follows_wall_clock_office_hours_across_daylight_saving(string now, bool open, string nextOpen)
    {
        AssertVerdict([ParisOfficeHours], now, open, nextOpen);
    }

    public static TheoryData<string, bool, string> DaylightSavingNights => new()
    {
        // Duration is elapsed time: a 3h window from 01:00 Paris on 30 March runs 00:00Z-03:00Z,
        // i.e. until 05:00 CEST on the wall clock, because the hour 02:00-03:00 did not exist.
        { "2025-03-30T02:59:59Z", true, "2025-03-30T02:59:59Z" },
        { "2025-03-30T03:00:00Z", false, "2025-03-30T23:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(DaylightSavingNights))]
    public void Window_duration_is_elapsed_time_not_wall_clock(string now, bool open, string nextOpen)
    {
        AssertVerdict([Allow("0 0 1 * * ?", "3h", "Europe/Paris")], now, open, nextOpen);
    }

    [Fact]
    public void Fire_time_inside_the_spring_gap_fires_when_the_clock_resumes()
    {
        // 02:30 did not exist in Paris on 30 March 2025; Quartz fires at 03:00 CEST (01:00Z) instead of skipping the day.
        AssertVerdict([Allow("0 30 2 * * ?", "30m", "Europe/Paris")], "2025-03-30T00:45:00Z", false, "2025-03-30T01:00:00Z");
    }

    public static TheoryData<string, bool, string> RepeatedAutumnHour => new()
    {
        // 02:30 happened twice on 26 October 2025: at 00:30Z (CEST) and at 01:30Z (CET). It counts once,
        // on the first pass, as Quartz's own triggers fire: whichever instant the question is asked from.
        { "2025-10-26T00:45:00Z", true, "2025-10-26T00:45:00Z" },
        { "2025-10-26T00:50:00Z", true, "2025-10-26T00:50:00Z" },
        { "2025-10-26T01:10:00Z", false, "2025-10-27T01:30:00Z" },
        { "2025-10-26T01:29:59Z", false, "2025-10-27T01:30:00Z" },
        { "2025-10-26T01:35:00Z", false, "2025-10-27T01:30:00Z" },
        { "2025-10-26T02:10:00Z", false, "2025-10-27T01:30:00Z" },
    };

    [Theory]
    [MemberData(nameof(RepeatedAutumnHour))]
    public void Fire_time_in_the_repeated_autumn_hour_counts_once(string now, bool open, string nextOpen)
    {
        AssertVerdict([Allow("0 30 2 * * ?", "30m", "Europe/Paris")], now, open, nextOpen);
    }

    [Fact]
    public void Long_window_from_the_repeated_autumn_hour_ends_once()
    {
        // Opened by the first 02:30 (00:30Z) for 2h: ends at 02:30Z, not extended by the second 02:30 (01:30Z).
        var windows = new[] { Deny("0 30 2 * * ?", "2h", "Europe/Paris") };

        AssertVerdict(windows, "2025-10-26T01:45:00Z", false, "2025-10-26T02:30:00Z");
        AssertVerdict(windows, "2025-10-26T03:00:00Z", true, "2025-10-26T03:00:00Z");
    }

    public static TheoryData<string, bool, string> HourlyAcrossAutumnChange => new()
    {
        // An interval schedule fires in every real hour, so both 02:30s open the window (as Quartz triggers fire).
        { "2025-10-26T00:40:00Z", true, "2025-10-26T00:40:00Z" },
        { "2025-10-26T01:10:00Z", false, "2025-10-26T01:30:00Z" },
        { "2025-10-26T01:40:00Z", true, "2025-10-26T01:40:00Z" },
        { "2025-10-26T02:40:00Z", true, "2025-10-26T02:40:00Z" },
    };

    [Theory]
    [MemberData(nameof(HourlyAcrossAutumnChange))]
    public void Hourly_window_fires_in_both_passes_of_the_repeated_autumn_hour(string now, bool open, string nextOpen)
    {
        AssertVerdict([Allow("0 30 * * * ?", "30m", "Europe/Paris")], now, open, nextOpen);
    }

    public static TheoryData<string, bool, string> DenyInsideAllow => new()
    {
        { "2025-01-06T11:59:59Z", true, "2025-01-06T11:59:59Z" },
        { "2025-01-06T12:00:00Z", false, "2025-01-06T13:00:00Z" },
        { "2025-01-06T12:30:00Z", false, "2025-01-06T13:00:00Z" },
        { "2025-01-06T13:00:00Z", true, "2025-01-06T13:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(DenyInsideAllow))]
    public void Active_deny_wins_over_an_active_allow(string now, bool open, string nextOpen)
    {
        AssertVerdict([Allow("0 0 0 * * ?", "24h"), Deny("0 0 12 * * ?", "1h")], now, open, nextOpen);
    }

    [Fact]
    public void Deny_ending_after_the_allow_window_waits_for_the_next_allow_window()
    {
        // Allow 09:00-17:00Z, deny 16:00-18:00Z: at 16:30 nothing opens until 09:00 the next day.
        AssertVerdict([Allow("0 0 9 * * ?", "8h"), Deny("0 0 16 * * ?", "2h")],
            "2025-01-06T16:30:00Z", false, "2025-01-07T09:00:00Z");
    }

    [Fact]
    public void Allow_window_that_began_during_a_deny_opens_when_the_deny_ends()
    {
        // Deny 08:00-10:00Z, allow 09:00-12:00Z: the allow is already active when the deny ends.
        AssertVerdict([Deny("0 0 8 * * ?", "2h"), Allow("0 0 9 * * ?", "3h")],
            "2025-01-06T08:30:00Z", false, "2025-01-06T10:00:00Z");
    }

    public static TheoryData<string, bool, string> DenyOnly => new()
    {
        { "2025-01-06T21:59:59Z", true, "2025-01-06T21:59:59Z" },
        { "2025-01-06T22:00:00Z", false, "2025-01-07T00:00:00Z" },
        { "2025-01-07T00:00:00Z", true, "2025-01-07T00:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(DenyOnly))]
    public void Without_allow_windows_only_an_active_deny_blocks(string now, bool open, string nextOpen)
    {
        AssertVerdict([Deny("0 0 22 * * ?", "2h")], now, open, nextOpen);
    }

    [Fact]
    public void Back_to_back_deny_windows_block_as_one_stretch()
    {
        // 10:00-11:00 and 11:00-12:00: the first one's end is not an opening.
        AssertVerdict([Deny("0 0 10 * * ?", "1h"), Deny("0 0 11 * * ?", "1h")],
            "2025-01-06T10:30:00Z", false, "2025-01-06T12:00:00Z");
    }

    [Fact]
    public void Overlapping_fires_of_one_deny_window_block_as_one_stretch()
    {
        // Fires at 10:00, 10:30, 11:00 and 11:30, each for 45 minutes: blocked from 10:00 to 12:15.
        var verdict = SyncWindows.Evaluate([Deny("0 0/30 10-11 * * ?", "45m")], Utc("2025-01-06T10:10:00Z"));

        Assert.False(verdict.Open);
        Assert.Equal(Utc("2025-01-06T12:15:00Z"), verdict.NextOpen);
        Assert.Contains("deny window syncWindows[0] (0 0/30 10-11 * * ? for 00:45:00, UTC) is active until 2025-01-06T12:15:00Z", verdict.Reason);
    }

    public static TheoryData<string, bool, string> BackToBackAllows => new()
    {
        { "2025-01-06T09:59:59Z", true, "2025-01-06T09:59:59Z" },
        { "2025-01-06T10:00:00Z", true, "2025-01-06T10:00:00Z" },
        { "2025-01-06T11:00:00Z", false, "2025-01-07T09:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(BackToBackAllows))]
    public void Back_to_back_allow_windows_leave_no_gap(string now, bool open, string nextOpen)
    {
        AssertVerdict([Allow("0 0 9 * * ?", "1h"), Allow("0 0 10 * * ?", "1h")], now, open, nextOpen);
    }

    public static TheoryData<string, bool, string> OverMidnight => new()
    {
        { "2025-01-06T21:59:59Z", false, "2025-01-06T22:00:00Z" },
        { "2025-01-06T23:30:00Z", true, "2025-01-06T23:30:00Z" },
        { "2025-01-07T01:59:59Z", true, "2025-01-07T01:59:59Z" },
        { "2025-01-07T02:00:00Z", false, "2025-01-07T22:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(OverMidnight))]
    public void Window_spanning_midnight_stays_active_into_the_next_day(string now, bool open, string nextOpen)
    {
        AssertVerdict([Allow("0 0 22 * * ?", "4h")], now, open, nextOpen);
    }

    [Fact]
    public void Weekend_deny_spanning_midnight_in_a_zone_blocks_until_monday()
    {
        // Friday 20:00 New York (EST, UTC-5) for 60h: until Monday 08:00 New York = 13:00Z.
        AssertVerdict([Deny("0 0 20 ? * FRI", "60h", "America/New_York")],
            "2025-01-11T12:00:00Z", false, "2025-01-13T13:00:00Z");
    }

    [Fact]
    public void Allow_window_that_never_fires_again_never_opens()
    {
        var verdict = SyncWindows.Evaluate([Allow("0 0 9 ? * MON-FRI 2020", "8h")], Utc("2025-01-06T09:00:00Z"));

        Assert.False(verdict.Open);
        Assert.Null(verdict.NextOpen);
        Assert.Equal("outside every allow window; no opening within 14 days", verdict.Reason);
    }

    [Fact]
    public void Opening_beyond_the_search_horizon_is_not_reported()
    {
        // A yearly window: the next one is months away, past the 14-day search.
        var verdict = SyncWindows.Evaluate([Allow("0 0 0 1 JAN ?", "1h")], Utc("2025-06-01T00:00:00Z"));

        Assert.False(verdict.Open);
        Assert.Null(verdict.NextOpen);
    }

    [Fact]
    public void Deny_window_active_without_end_gives_up_instead_of_spinning()
    {
        // Fires every second for one second: always active; the search runs out of steps and says so.
        var verdict = SyncWindows.Evaluate([Deny("* * * * * ?", "1s")], Utc("2025-01-06T09:00:00Z"));

        Assert.False(verdict.Open);
        Assert.Null(verdict.NextOpen);
        Assert.StartsWith("deny window syncWindows[0] (* * * * * ? for 00:00:01, UTC) stays active past 2025-01-20T09:00:00Z", verdict.Reason);
    }

    [Fact]
    public void Reason_names_the_deciding_window_and_when_it_opens()
    {
        var closed = SyncWindows.Evaluate([ParisOfficeHours], Utc("2025-01-10T17:00:00Z"));
        var open = SyncWindows.Evaluate([ParisOfficeHours], Utc("2025-01-10T10:00:00Z"));

        Assert.Equal("outside every allow window; automatic applies wait until 2025-01-13T08:00:00Z", closed.Reason);
        Assert.Equal("inside allow window syncWindows[0] (0 0 9 ? * MON-FRI for 08:00:00, Europe/Paris), active until 2025-01-10T16:00:00Z", open.Reason);
    }

    [Fact]
    public void Now_in_another_offset_is_the_same_instant()
    {
        // 09:30 at UTC+1 is 08:30Z: inside Paris office hours (09:30 CET).
        var now = new DateTimeOffset(2025, 1, 6, 9, 30, 0, TimeSpan.FromHours(1));

        var verdict = SyncWindows.Evaluate([ParisOfficeHours], now);

        Assert.True(verdict.Open);
        Assert.Equal(now, verdict.NextOpen);
    }

    [Theory]
    [InlineData("0 22 * * *", "UTC")]
    [InlineData("0 0 9 ? * MON-FRI", "Mars/Olympus")]
    public void Window_the_parser_would_refuse_is_an_argument_error(string schedule, string timeZone)
    {
        var error = Assert.Throws<ArgumentException>(() => SyncWindows.Evaluate([Allow(schedule, "1h", timeZone)], Utc("2025-01-06T09:00:00Z")));

        Assert.Contains("syncWindows[0]", error.Message);
    }

    [Fact]
    public void Next_open_is_the_first_open_instant_on_a_five_minute_grid_across_the_autumn_change()
    {
        // Every boundary of these windows falls on a multiple of five minutes, so the grid sees every change.
        SyncWindow[] windows =
        [
            ParisOfficeHours,
            Allow("0 30 2 * * ?", "30m", "Europe/Paris"),
            Allow("0 0 22 ? * SAT", "6h", "Europe/Paris"),
            Deny("0 0 12 ? * FRI", "90m", "Europe/Paris"),
            Deny("0 0/30 1-3 * * ?", "10m", "Europe/Paris"),
        ];
        var start = Utc("2025-10-24T00:00:00Z");
        var grid = Enumerable.Range(0, 5 * 24 * 12).Select(i => start.AddMinutes(5 * i)).ToList();
        var verdicts = grid.Select(t => SyncWindows.Evaluate(windows, t)).ToList();
        Assert.Contains(verdicts, v => v.Open);
        Assert.Contains(verdicts, v => !v.Open);

        DateTimeOffset? firstOpenFromHere = null;
        for (var i = grid.Count - 1; i >= 0; i--)
        {
            if (verdicts[i].Open)
            {
                firstOpenFromHere = grid[i];
            }

            // Past the grid's end the brute force knows nothing, so only compare openings it has seen.
            if (firstOpenFromHere is not null)
            {
                Assert.True(firstOpenFromHere == verdicts[i].NextOpen, $"at {grid[i]:O}: {verdicts[i]}, first open on the grid {firstOpenFromHere:O}");
            }
        }
    }
}
