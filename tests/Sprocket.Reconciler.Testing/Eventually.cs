namespace Sprocket.Reconciler.Testing;

/// <summary>
/// Waiting for the real world to converge: poll a condition until it holds or a deadline passes.
/// The only delay is between polls; nothing waits a fixed time in the hope that it is enough.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Polls <paramref name="condition"/> until true; throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task Until(
        Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await UntilValue(condition, satisfied => satisfied, timeout, what, cancellationToken);
    }

    /// <summary>
    /// Polls <paramref name="read"/> until <paramref name="done"/> accepts its value and returns that
    /// value; on timeout the message shows the last value read, which usually explains the failure.
    /// </summary>
    public static async Task<T> UntilValue<T>(
        Func<Task<T>> read,
        Func<T, bool> done,
        TimeSpan timeout,
        string what,
        CancellationToken cancellationToken = default,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var clock = timeProvider ?? TimeProvider.System;
        var started = clock.GetTimestamp();
        var interval = FirstInterval;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            var remaining = timeout - clock.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {value}");
            }

            await Task.Delay(Min(interval, remaining), clock, cancellationToken);
            interval = Min(interval * 2, MaxInterval);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
