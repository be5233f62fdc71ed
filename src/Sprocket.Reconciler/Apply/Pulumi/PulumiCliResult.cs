namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>What one CLI run produced. Text is raw: scrub it (<see cref="PulumiCli.Scrub"/>) before it leaves.</summary>
internal sealed record PulumiCliResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed, bool TimedOut = false)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>The binary cannot be started at all (not found, not executable): a configuration problem.</summary>
internal sealed class PulumiCliUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
