namespace Sprocket.Reconciler.Registry;

/// <summary>A registry request that failed; the message is safe to show (no credentials, no tokens).</summary>
public sealed class RegistryRequestException(RegistryFailureKind kind, string message, Exception? innerException = null, TimeSpan? retryAfter = null)
    : Exception(message, innerException)
{
    public RegistryFailureKind Kind { get; } = kind;

    /// <summary>How long the registry asked us to wait before asking again (Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
