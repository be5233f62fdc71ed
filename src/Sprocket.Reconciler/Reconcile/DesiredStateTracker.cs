using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.State;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Fetches the desired-state file and, when it validates, puts it in force. A fetch failure or a rejected
/// file changes nothing but the reported problem: the last good snapshot (and its revision) stays in force.
/// </summary>
public sealed partial class DesiredStateTracker(
    IDesiredStateSource source,
    StatusStore store,
    LoopInbox inbox,
    ReconcilerMetrics metrics,
    TimeProvider time,
    ILogger<DesiredStateTracker> logger,
    // Optional: a tracker without a state database (the git tests') keeps no timeline.
    StackTimeline? timeline = null,
    ILeadership? leadership = null)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ParsedBlobMemo _verdicts = new();

    public async Task RefreshAsync(ReconcileTrigger trigger, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var fetched = await source.FetchAsync(cancellationToken);
            // An unchanged revision changes no stack: polling costs a fetch, not a pass. A stack that needs another look
            // anyway has its own wake-up in the loop, and the periodic resync covers everything else.
            if (Apply(fetched)) inbox.Post(new EvaluationRequest(trigger));
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Puts the fetch's outcome in force; true when a new snapshot came into force.</summary>
    private bool Apply(DesiredFetchResult fetched)
    {
        var now = time.GetUtcNow();
        switch (fetched)
        {
            case DesiredFetchResult.Failed failed:
                LogFetchFailed(logger, failed.Reason.ToString(), failed.Message);
                store.Update(s => s with { DesiredProblem = new DesiredStateProblem(DesiredStateProblemKind.FetchFailed, failed.Message, null, now) });
                return false;

            case DesiredFetchResult.Fetched ok:
                TellForcePush(ok.Move, ok.Branch, now);
                return Judge(ok.Revision, ok.Path, _verdicts.GetOrParse(ok.BlobId, ok.Path, () => Parse(ok)), now);

            case DesiredFetchResult.TooLarge tooLarge:
                TellForcePush(tooLarge.Move, tooLarge.Branch, now);
                // Refused from the git object header, unread: there is nothing to parse or to remember.
                return Judge(tooLarge.Revision, tooLarge.Path, DesiredStateParser.FileTooLarge(tooLarge.Path, tooLarge.Size), now);

            default:
                return false;
        }
    }

    /// <summary>
    /// A force-pushed branch goes on every timeline of the stacks in force before it: whatever the new head holds
    /// (an older tag, a rejected file), the people reading a stack's history learn that git itself moved back. Only the
    /// acting instance appends it: a standby adds nothing it merely observes (its log and counter still say it).
    /// </summary>
    private void TellForcePush(Git.BranchMove? move, string branch, DateTimeOffset now)
    {
        if (move is not { IsForced: true } || timeline is null || leadership is { IsLeader: false }
            || store.Current.Desired is not { } inForce) return;
        var message = $"desired-state branch {branch} force-pushed ({move.KindLabel}) from revision {Short(move.From)} to {Short(move.To)}";
        foreach (var stack in inForce.State.Stacks)
            timeline.Record(stack.Name, now, move.To, () => new TimelineEntry(StackEventKind.DesiredBranchForcePushed, message, Revision: move.To));
    }

    private static string Short(string revision) => revision.Length > 12 ? revision[..12] : revision;

    private DesiredStateParseResult Parse(DesiredFetchResult.Fetched fetched)
    {
        LogParsing(logger, fetched.Path, fetched.BlobId, fetched.Revision, fetched.Content.Length);
        return DesiredStateParser.ParseBytes(fetched.Path, fetched.Content.Span);
    }

    // Runs on every poll, remembered verdict or not: status, API and metrics show the rejection as long as it lasts.
    private bool Judge(string revision, string path, DesiredStateParseResult parsed, DateTimeOffset now)
    {
        metrics.NewestRevisionJudged(rejected: !parsed.IsValid);
        if (parsed.IsValid)
        {
            var inForce = store.Current.Desired;
            if (inForce?.Revision == revision && inForce.Path == path)
            {
                if (store.Current.DesiredProblem is not null) store.Update(s => s with { DesiredProblem = null });
                return false;
            }
            LogRevisionInForce(logger, revision, parsed.State.Stacks.Length);
            var snapshot = new DesiredSnapshot(parsed.State, revision, path);
            store.Update(s => s with { Desired = snapshot, DesiredProblem = null });
            return true;
        }
        else
        {
            var message = string.Join("; ", parsed.Errors.Select(e => e.ToString()));
            if (store.Current.DesiredProblem?.Revision != revision)
            {
                metrics.DesiredStateRejected();
                LogRejected(logger, revision, message);
            }
            store.Update(s => s with { DesiredProblem = new DesiredStateProblem(DesiredStateProblemKind.Invalid, message, revision, now) });
            return false;
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Desired state revision {Revision} in force ({StackCount} stacks)")]
    private static partial void LogRevisionInForce(ILogger logger, string revision, int stackCount);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Desired state revision {Revision} rejected; the last good state stays in force: {Errors}")]
    private static partial void LogRejected(ILogger logger, string revision, string errors);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Desired state fetch failed ({Reason}); the last good state stays in force: {Message}")]
    private static partial void LogFetchFailed(ILogger logger, string reason, string message);

    /// <summary>Once per distinct file content (blob) and path: a repeat of the same blob reuses the verdict.</summary>
    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Validating desired-state file {Path} (blob {BlobId}, {ByteCount} bytes) of revision {Revision}")]
    private static partial void LogParsing(ILogger logger, string path, string blobId, string revision, int byteCount);
}
