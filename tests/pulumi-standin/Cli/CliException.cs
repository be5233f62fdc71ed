namespace Sprocket.PulumiStandin.Cli;

/// <summary>
/// A failure the CLI reports as <c>error: MESSAGE</c> on stderr. Pulumi CLIs before v3.226.1 (this stand-in
/// claims v3.150.0) exit 255 for every failure: missing stack, lock conflict, failed update, bad flag.
/// </summary>
public sealed class CliException(string message, int exitCode = CliException.GenericFailure) : Exception(message)
{
    public const int GenericFailure = 255;

    public int ExitCode { get; } = exitCode;
}
