namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>The outcome of bringing a stack's Pulumi program to its ref.</summary>
internal abstract record ProgramCheckoutResult
{
    /// <param name="CheckoutDirectory">The working tree (<c>&lt;DataDirectory&gt;/programs/&lt;hash&gt;</c>).</param>
    /// <param name="WorkDirectory">The stack's <c>workDir</c> inside it, where the CLI runs.</param>
    /// <param name="NeedsInstall">The commit differs from the last one <c>pulumi install</c> succeeded for.</param>
    public sealed record Ready(string CheckoutDirectory, string WorkDirectory, string Commit, bool NeedsInstall) : ProgramCheckoutResult;

    /// <param name="Outcome">Misconfigured when a human must act (no such ref, refused credentials, bad workDir), else Failed.</param>
    public sealed record Failed(ApplyOutcome Outcome, string Message) : ProgramCheckoutResult;
}
