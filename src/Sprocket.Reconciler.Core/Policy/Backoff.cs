namespace Sprocket.Reconciler.Core.Policy;

/// <summary>
/// Retry delay as a pure function of the stored failure count: 2 s, then ×3 per failure, capped at 5 min.
/// Stored counts survive restarts, so a crash-looping apply never turns into a hot loop.
/// </summary>
public static class Backoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);
    private const double Factor = 3;

    public static TimeSpan After(int consecutiveFailures)
    {
        if (consecutiveFailures <= 0) return TimeSpan.Zero;
        var seconds = First.TotalSeconds * Math.Pow(Factor, Math.Min(consecutiveFailures - 1, 10));
        return seconds >= Cap.TotalSeconds ? Cap : TimeSpan.FromSeconds(seconds);
    }
}
