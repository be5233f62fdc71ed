namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

/// <summary>A docker CLI command exited non-zero; carries its stderr so the test log explains why.</summary>
public sealed class DockerCliException(string command, int exitCode, string standardError)
    : Exception($"`{command}` failed with exit code {exitCode}: {standardError.Trim()}")
{
    public string Command { get; } = command;
    public int ExitCode { get; } = exitCode;
    public string StandardError { get; } = standardError;
}
