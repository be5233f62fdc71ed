namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>Why a Pulumi CLI command failed, as <see cref="PulumiErrorClassifier"/> reads it.</summary>
public enum PulumiFailureReason
{
    /// <summary>The stack does not exist on the configured backend: a human must create it or fix the name.</summary>
    StackNotFound,
    /// <summary>Another update holds the stack's lock: retry later with backoff, never <c>pulumi cancel</c>.</summary>
    LockConflict,
    /// <summary>The backend refused us, or the secrets passphrase is missing or wrong.</summary>
    Authentication,
    /// <summary>The program, project file or invocation is wrong (exit code 2, no Pulumi.yaml).</summary>
    Configuration,
    /// <summary>The CLI reports the operation was cancelled (exit code 8).</summary>
    Cancelled,
    /// <summary>Anything else: a resource error, a program error, a crash.</summary>
    Other,
}
