namespace Sprocket.PulumiStandin.Cli;

/// <summary>
/// The exit-code taxonomy of the modelled CLI (pulumi/pulumi v3.259.0 pkg/cmd/pulumi/cmd/exit_codes.go,
/// ExitCodeFor; the constants also in sdk/go/common/util/cmdutil/exit.go). CLIs before v3.226.0 exited 255
/// (os.Exit(-1)) for every failure; drivers must still accept that.
/// </summary>
public static class ExitCodes
{
    /// <summary>Unclassified errors, and bail errors (the engine already reported them): failed or cancelled updates, lock conflicts, unknown commands and flags.</summary>
    public const int Error = 1;

    /// <summary>NoConfirmationInNonInteractiveError: up/refresh without --yes or --skip-preview.</summary>
    public const int Configuration = 2;

    /// <summary>MissingEnvVarForNonInteractiveError, LoginRequiredError, ForbiddenError.</summary>
    public const int Authentication = 3;

    /// <summary>StackNotFoundError, NoStackSelectedError.</summary>
    public const int StackNotFound = 6;

    /// <summary>What a process killed by SIGKILL reports (128 + 9); the CLI never chooses it.</summary>
    public const int Killed = 137;
}
