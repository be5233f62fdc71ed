using Sprocket.Reconciler.Cli;

namespace Sprocket.Reconciler.Host.Tests.Daemon;

public sealed class CommandLineDurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m", 60_000)]
    [InlineData("00:00:05", 5_000)]
    [InlineData(" 3s ", 3_000)]
    public void Reads_docker_and_timespan_durations(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), CommandLineDuration.Parse(text));

    [Theory]
    [InlineData("5")]
    [InlineData("")]
    [InlineData("0ms")]
    [InlineData("-5s")]
    [InlineData("61m")]
    [InlineData("Infinitys")]
    [InlineData("1e400s")]
    [InlineData("5 s")]
    public void Refuses_what_is_not_a_positive_duration_up_to_an_hour(string text) => Assert.Null(CommandLineDuration.Parse(text));
}
