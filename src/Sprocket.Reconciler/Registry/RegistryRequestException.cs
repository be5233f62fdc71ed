namespace Sprocket.Reconciler.Registry;

/// <summary>A registry request that failed; the message is safe to show (no credentials, no tokens).</summary>
public sealed class RegistryRequestException(RegistryFailureKind kind, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public RegistryFailureKind Kind { get; } = kind;
}
