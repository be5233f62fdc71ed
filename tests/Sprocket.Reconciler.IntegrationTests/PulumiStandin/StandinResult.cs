namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>What one stand-in invocation returned.</summary>
public sealed record StandinResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {StandardOutput}\nstderr: {StandardError}";
}
