namespace Sprocket.Reconciler.Cli;

/// <summary>The CLI's exit codes (README.md, "CLI"): scripts and the desired-state repo's CI depend on them. An unhandled
/// exception exits 1, System.CommandLine's default.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary><c>probe</c>: the agent did not answer 2xx (refused, timeout, status code), or the probe's own arguments
    /// are wrong (a HEALTHCHECK defines only 0 and 1). Also System.CommandLine's exit code for an unhandled exception.</summary>
    public const int Unhealthy = 1;
    /// <summary>Invalid input, or a system the command needs could not be reached.</summary>
    public const int InvalidOrUnreachable = 2;
    /// <summary><c>diff</c>: some stack is drifted or out of sync.</summary>
    public const int Drifted = 3;
    /// <summary><c>history</c>: the agent knows no stack of that name.</summary>
    public const int NotFound = 4;
}
