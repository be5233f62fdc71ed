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

    /// <summary>
    /// Retry delay while the registry cannot be reached: 1 s, doubling, capped at 4 s — short, because nothing was
    /// applied and the registry answering again should deploy within seconds; a registry's own Retry-After wins when longer.
    /// </summary>
    public static TimeSpan WhileRegistryUnavailable(int attempts, TimeSpan? retryAfter)
    {
        var own = attempts <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(RegistryFirst.TotalSeconds * Math.Pow(2, Math.Min(attempts - 1, 10)), RegistryCap.TotalSeconds));
        var asked = retryAfter is { } after ? (after > Cap ? Cap : after) : TimeSpan.Zero;
        return own > asked ? own : asked;
    }

    public static readonly TimeSpan RegistryFirst = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RegistryCap = TimeSpan.FromSeconds(4);
}
