using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// At start, refuses a Pulumi CLI that is there but too old (or prints no version): it would fail every
/// <c>engine: pulumi</c> apply, so the operator hears it once, as a configuration error (the same one line and
/// exit code as an options validation failure), instead of as a Misconfigured stack later. A CLI that is not
/// installed is not refused: a daemon with only <c>engine: swarm</c> stacks needs none, and the per-apply check
/// still reports it for Pulumi stacks.
/// </summary>
internal sealed class PulumiCliStartupCheck(
    PulumiCli cli,
    IOptions<PulumiOptions> options,
    IOptions<ReconcilerOptions> paths,
    ILogger<PulumiCliStartupCheck> logger,
    TimeProvider timeProvider) : IHostedService
{
    private static readonly TimeSpan VersionCheckLimit = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (PulumiProcessEnvironment.ResolveExecutable(options.Value.Binary, PathTheChildGets()) is null)
            return;

        // `version` needs no project; the data directory is simply a folder we own (made on first use).
        var dataDirectory = Directory.CreateDirectory(Path.GetFullPath(paths.Value.DataDirectory)).FullName;
        // Bounded well below CommandTimeout: a hung CLI must not hold the whole daemon (API, metrics, swarm stacks)
        // at start; the per-apply check runs it again with the full limit.
        using var limit = new CancellationTokenSource(VersionCheckLimit, timeProvider);
        using var startupLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        PulumiCliResult result;
        try
        {
            result = await cli.RunAsync(dataDirectory, PulumiCommands.Version(), startupLimit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.VersionRejected(logger, $"'pulumi version' did not answer within {VersionCheckLimit.TotalSeconds:0} s at start");
            return;
        }
        if (!result.Succeeded)
        {
            // Could be passing (a slow disk, a wrapper script's hiccup): the per-apply check retries and reports.
            Log.VersionRejected(logger, cli.Scrub($"'pulumi version' failed at start (exit {result.ExitCode}): {PulumiErrorClassifier.Summarize(result.StandardError)}"));
            return;
        }

        if (PulumiVersion.Problem(result.StandardOutput) is { } problem)
        {
            var message = cli.Scrub($"{PulumiOptions.SectionName}:Binary '{options.Value.Binary}': {problem}");
            throw new OptionsValidationException(PulumiOptions.SectionName, typeof(PulumiOptions), [message]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The configured binary is looked up on the PATH the CLI itself would get (its own folder first).
    private string? PathTheChildGets() =>
        PulumiProcessEnvironment.Build([new("PATH", Environment.GetEnvironmentVariable("PATH"))], options.Value).GetValueOrDefault("PATH");
}
