using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Core.Tests.Desired;

public sealed class DurationSyntaxTests
{
    [Theory]
    [InlineData("00:02:00", 0, 2, 0, 0)]
    [InlineData("00:00:30", 0, 0, 30, 0)]
    [InlineData("01:30:00", 1, 30, 0, 0)]
    [InlineData("0:02", 0, 2, 0, 0)]
    [InlineData("23:59:59", 23, 59, 59, 0)]
    [InlineData("00:00:00.5", 0, 0, 0, 500)]
    [InlineData("2m", 0, 2, 0, 0)]
    [InlineData("30s", 0, 0, 30, 0)]
    [InlineData("1h30m", 1, 30, 0, 0)]
    [InlineData("1h30m15s", 1, 30, 15, 0)]
    [InlineData("500ms", 0, 0, 0, 500)]
    [InlineData("1.5h", 1, 30, 0, 0)]
    [InlineData(".5m", 0, 0, 30, 0)]
    [InlineData("90m", 1, 30, 0, 0)]
    [InlineData("1m1h", 1, 1, 0, 0)]
    [InlineData("+2m", 0, 2, 0, 0)]
    public void Accepts_timespan_and_compact_forms(string text, int hours, int minutes, int seconds, int milliseconds)
    {
        Assert.True(DurationSyntax.TryParse(text, out var value), text);
        Assert.Equal(new TimeSpan(0, hours, minutes, seconds, milliseconds), value);
    }

    [Fact]
    public void Accepts_days_in_timespan_form()
    {
        Assert.True(DurationSyntax.TryParse("1.00:00:00", out var value));
        Assert.Equal(TimeSpan.FromDays(1), value);
    }

    [Theory]
    [InlineData("1us", 10)]
    [InlineData("1µs", 10)]
    [InlineData("100ns", 1)]
    [InlineData("0", 0)]
    public void Sub_millisecond_units_convert_to_ticks(string text, long ticks)
    {
        Assert.True(DurationSyntax.TryParse(text, out var value));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("-2m")]
    [InlineData("-00:01:00")]
    public void Negative_values_parse_so_the_validator_can_name_them(string text)
    {
        Assert.True(DurationSyntax.TryParse(text, out var value));
        Assert.True(value < TimeSpan.Zero);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("2")] // TimeSpan.Parse would read two days
    [InlineData("120")]
    [InlineData("2 minutes")]
    [InlineData("2M")]
    [InlineData("2min")]
    [InlineData("1d")]
    [InlineData("m")]
    [InlineData("1.2.3s")]
    [InlineData(" 2m")]
    [InlineData("2m ")]
    [InlineData("PT2M")]
    [InlineData("00:60:00")]
    [InlineData("24:00:00")] // TimeSpan.Parse would read 24 days
    [InlineData("0:2")]
    [InlineData("00:02:00:00")]
    [InlineData("00:02:00.12345678")]
    [InlineData("99999999999999999999h")]
    [InlineData("9999999999h")]
    public void Rejects_everything_else(string? text)
    {
        Assert.False(DurationSyntax.TryParse(text, out _), text);
    }

    [Fact]
    public void Rejects_absurdly_long_text_without_work()
    {
        Assert.False(DurationSyntax.TryParse(string.Concat(Enumerable.Repeat("1h", 1000)), out _));
    }
}
