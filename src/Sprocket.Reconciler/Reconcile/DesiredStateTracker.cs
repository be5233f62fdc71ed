using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Fetches the desired-state file and, when it validates, puts it in force. A fetch failure or a rejected
/// file changes nothing but the reported problem: the last good snapshot (and its revision) stays in force.
/// </summary>
public sealed partial class DesiredStateTracker(
    IDesiredStateSource source,
    StatusStore store,
    EvaluationQueue queue,
    ReconcilerMetrics metrics,
    TimeProvider time,
    ILogger<DesiredStateTracker> logger)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task RefreshAsync(string trigger, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var fetched = await source.FetchAsync(cancellationToken);
            Apply(fetched);
            queue.Request(new EvaluationRequest(trigger));
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private void Apply(DesiredFetchResult fetched)
    {
        var now = time.GetUtcNow();
        switch (fetched)
        {
            case DesiredFetchResult.Failed failed:
                LogFetchFailed(logger, failed.Reason.ToString(), failed.Message);
                store.Update(s => s with { DesiredProblem = new DesiredStateProblem(DesiredStateProblem.FetchFailed, failed.Message, null, now) });
                break;

            case DesiredFetchResult.Fetched ok:
                var parsed = DesiredStateParser.ParseBytes(ok.Path, ok.Content.Span);
                if (parsed.IsValid)
                {
                    var snapshot = new DesiredSnapshot(parsed.State, ok.Revision, ok.Path);
                    if (store.Current.Desired?.Revision != ok.Revision) LogRevisionInForce(logger, ok.Revision, parsed.State.Stacks.Length);
                    store.Update(s => s with { Desired = snapshot, DesiredProblem = null });
                }
                else
                {
                    var message = string.Join("; ", parsed.Errors.Select(e => e.ToString()));
                    if (store.Current.DesiredProblem?.Revision != ok.Revision)
                    {
                        metrics.DesiredStateRejected();
                        LogRejected(logger, ok.Revision, message);
                    }
                    store.Update(s => s with { DesiredProblem = new DesiredStateProblem(DesiredStateProblem.Invalid, message, ok.Revision, now) });
                }
                break;
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Desired state revision {Revision} in force ({StackCount} stacks)")]
    private static partial void LogRevisionInForce(ILogger logger, string revision, int stackCount);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Desired state revision {Revision} rejected; the last good state stays in force: {Errors}")]
    private static partial void LogRejected(ILogger logger, string revision, string errors);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Desired state fetch failed ({Reason}); the last good state stays in force: {Message}")]
    private static partial void LogFetchFailed(ILogger logger, string reason, string message);
}
