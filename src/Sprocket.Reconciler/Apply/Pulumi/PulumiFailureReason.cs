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
    /// <summary>
    /// The program, project file or invocation is wrong (exit code 2, no Pulumi.yaml), or the CLI lacks a command or
    /// flag we pass (<c>unknown flag</c>/<c>unknown command</c>): a CLI too old, or its environment wrong.
    /// </summary>
    Configuration,
    /// <summary>The CLI reports the operation was cancelled (exit code 8, or summaryEvent result <c>canceled</c>).</summary>
    Cancelled,
    /// <summary>A resource operation failed (exit code 4); retried with backoff.</summary>
    ResourceFailure,
    /// <summary>A policy pack refused the update (exit code 5): the program or the policy must change.</summary>
    PolicyViolation,
    /// <summary><c>--expect-no-changes</c> found changes (exit code 7); we never pass it, so only a wrapper would.</summary>
    NoChangesExpected,
    /// <summary>The CLI gave up waiting (exit code 9).</summary>
    Timeout,
    /// <summary>Anything else: a resource error, a program error, a crash.</summary>
    Other,
}
