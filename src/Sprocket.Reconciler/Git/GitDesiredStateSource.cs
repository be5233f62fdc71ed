using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// The desired-state source backed by a bare clone in <c>&lt;DataDirectory&gt;/desired/&lt;hash-of-url&gt;</c>.
/// Owns: cloning, fetching the configured branch, reading the file, counting and logging failures.
/// Never: keeps a snapshot (the caller holds the last good one), logs or returns the token, or leaves a
/// half-written clone behind. Options are read at the start of every fetch, so a changed branch or path
/// takes effect on the next poll; a configuration reloaded into an invalid state surfaces here as
/// <see cref="OptionsValidationException"/>.
/// </summary>
internal sealed class GitDesiredStateSource(
    IOptionsMonitor<DesiredStateOptions> desiredStateOptions,
    IOptionsMonitor<ReconcilerOptions> pathsOptions,
    IOptionsMonitor<GitHubOptions> credentialOptions,
    DesiredStateMetrics metrics,
    ILogger<GitDesiredStateSource> logger) : IDesiredStateSource
{
    private string? _lastReportedHead;
    private int _timeoutsRefused;

    public async Task<DesiredFetchResult> FetchAsync(CancellationToken cancellationToken)
    {
        var options = desiredStateOptions.CurrentValue;
        var request = new FetchRequest(
            RepositoryLocation.Resolve(options.Repository, pathsOptions.CurrentValue.DataDirectory),
            options.Branch,
            options.Path,
            credentialOptions.CurrentValue.Token);

        metrics.Fetching(request.Location.Url);
        if (!GitTransportTimeouts.Apply(options.RemoteTimeout) && Interlocked.Exchange(ref _timeoutsRefused, 1) == 0)
            Log.RemoteTimeoutNotApplied(logger, options.RemoteTimeout);
        var gate = CloneDirectoryGates.For(request.Location.CloneDirectory);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // LibGit2Sharp blocks for the whole network round trip: keep it off pool threads serving requests.
            var result = await Task.Factory.StartNew(
                () => BareClone.Fetch(request, logger, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).ConfigureAwait(false);
            Report(result);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    private void Report(DesiredFetchResult result)
    {
        if (result.Move is { IsForced: true } move)
        {
            // Said once per move, whatever the new head holds (a missing or unreadable file too): the clone's tracking
            // ref already follows the head, so the next fetch sees no move.
            Log.BranchForcePushed(logger, result.Repository, result.Branch, move.KindLabel, move.From, move.To);
            metrics.RecordForcedPush(result.Repository, move);
        }
        switch (result)
        {
            case DesiredFetchResult.Fetched fetched:
                ReportRevision(fetched);
                break;
            case DesiredFetchResult.TooLarge tooLarge:
                // Fetched all the same; the caller rejects the revision (and says why) like any invalid file.
                ReportRevision(tooLarge);
                break;
            case DesiredFetchResult.Failed failed:
                metrics.RecordFailure(failed.Repository, failed.Reason);
                Log.FetchFailed(logger, failed.Repository, failed.Branch, failed.Reason.ToTagValue(), failed.Message);
                break;
        }
    }

    private void ReportRevision(DesiredFetchResult result)
    {
        var (repository, branch) = (result.Repository, result.Branch);
        var revision = result switch
        {
            DesiredFetchResult.Fetched fetched => fetched.Revision,
            DesiredFetchResult.TooLarge tooLarge => tooLarge.Revision,
            _ => throw new ArgumentOutOfRangeException(nameof(result)),
        };
        metrics.RecordFetched(repository);
        var head = $"{repository}\n{branch}\n{revision}";
        // Fetches of different repositories (after a reconfiguration) hold different gates.
        if (Interlocked.Exchange(ref _lastReportedHead, head) == head)
            Log.RevisionUnchanged(logger, repository, branch, revision);
        else
            Log.RevisionChanged(logger, repository, branch, revision);
    }
}
