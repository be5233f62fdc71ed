namespace Sprocket.Reconciler.Cli;

/// <summary>The CLI's exit codes (DESIGN §5): scripts and the desired-state repo's CI depend on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Invalid input, or a system the command needs could not be reached.</summary>
    public const int InvalidOrUnreachable = 2;
    /// <summary><c>diff</c>: some stack is drifted or out of sync.</summary>
    public const int Drifted = 3;
}
