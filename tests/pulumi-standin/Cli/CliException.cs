namespace Sprocket.PulumiStandin.Cli;

/// <summary>
/// A failure the CLI reports as <c>error: MESSAGE</c> on stderr, with the exit code the modelled CLI
/// (<see cref="Commands.MiscCommands.Version"/>) gives that kind of failure (see <see cref="ExitCodes"/>).
/// </summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
