namespace Sprocket.Reconciler.Host.Tests.Support;

public sealed class EventuallyTests
{
    [Fact]
    public async Task ReturnsTheFirstValueThatSatisfiesTheCondition()
    {
        var reads = 0;

        var value = await Eventually.UntilValue(
            () => Task.FromResult(++reads), count => count >= 3, TimeSpan.FromSeconds(10), "the third read");

        Assert.Equal(3, value);
        Assert.Equal(3, reads);
    }

    [Fact]
    public async Task TimesOutNamingWhatItWaitedForAndTheLastValue()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.UntilValue(
            () => Task.FromResult("rollback_started"), state => state == "rollback_completed",
            TimeSpan.FromMilliseconds(200), "the rollback to complete"));

        Assert.Contains("the rollback to complete", error.Message, StringComparison.Ordinal);
        Assert.Contains("rollback_started", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntilThrowsWhenTheConditionNeverHolds()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.Until(() => Task.FromResult(false), TimeSpan.FromMilliseconds(100), "nothing"));

        Assert.Contains("nothing", error.Message, StringComparison.Ordinal);
    }
}
