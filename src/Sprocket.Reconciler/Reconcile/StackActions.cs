using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The acting edge of <see cref="ReconcileLoop"/>: starts the slow things (applies, write-backs, reading applied tags from
/// an engine) as background work and reports each ending back to the loop as a message, so that nothing slow runs on
/// the loop and nothing but the loop changes a stack's state.
/// </summary>
public sealed partial class StackActions(
    ApplyRunner applies,
    ApplyEngines engines,
    IIncidentWriter writeBacks,
    DesiredStateTracker desiredState,
    BackgroundWork work,
    LoopInbox inbox,
    TimeProvider time,
    ILogger<StackActions> logger)
{
    public void StartApply(ApplyStart start) =>
        work.Start($"apply of {start.Stack.Name}", finishBeforeStop: true, async cancellationToken =>
        {
            ApplyCompletion completion;
            try
            {
                completion = await applies.RunAsync(start, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogApplyCrashed(logger, ex, start.Stack.Name);
                completion = new ApplyCompletion(start.Stack.Name, ReconcileOutcome.Failed, ApplyOutcome.Failed, "apply crashed: " + ex.Message, TimeSpan.Zero);
            }
            inbox.Post(new ApplyFinished(start.Stack, start.Mode, completion, start.Desired.Revision));
        });

    public void StartWriteBack(DesiredSnapshot desired, StackSpec stack, StackEvaluation evaluation, RollbackIncident incident) =>
        work.Start($"write-back of {stack.Name}", finishBeforeStop: true, async cancellationToken =>
        {
            var started = time.GetTimestamp();
            IncidentWriteOutcome outcome;
            try
            {
                outcome = await writeBacks.WriteAsync(desired, stack, incident, cancellationToken);
                LogWritten(logger, stack.Name, incident.GoodTag ?? "?", (outcome.Record?.Kind ?? WriteBackKind.Failed).Spell(), time.GetElapsedTime(started), outcome.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogWriteBackCrashed(logger, ex, stack.Name);
                outcome = new IncidentWriteOutcome(null, "write-back crashed: " + ex.Message);
            }
            inbox.Post(new WriteBackFinished(desired, stack, evaluation, incident, outcome));
        });

    /// <summary>Reads what the engines say they applied, for stacks only they know about (pulumi: a CLI run each).</summary>
    public void StartAppliedTagRead(IReadOnlyList<StackSpec> stacks)
    {
        if (stacks.Count == 0) return;
        var startedAt = time.GetUtcNow();
        work.Start("applied-tag read", finishBeforeStop: false, async cancellationToken =>
        {
            var tags = new System.Collections.Concurrent.ConcurrentDictionary<string, string?>(StringComparer.Ordinal);
            await Parallel.ForEachAsync(stacks, cancellationToken, async (stack, ct) =>
            {
                if (engines.For(stack) is not { } engine) return;
                try
                {
                    tags[stack.Name] = await engine.ReadAppliedTagAsync(stack, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Unknown is a valid answer: the classifier then decides from the previous spec.
                    LogReadFailed(logger, stack.Name, ex.Message);
                }
            });
            inbox.Post(new AppliedTagsRead(tags, startedAt));
        });
    }

    /// <summary>Fetches git now rather than at the next poll (our own write-back commit is there).</summary>
    public void RefreshDesiredState() =>
        work.Start("desired-state fetch", finishBeforeStop: false, cancellationToken => desiredState.RefreshAsync(ReconcileTrigger.Apply, cancellationToken));

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "Apply on stack {Stack} crashed")]
    private static partial void LogApplyCrashed(ILogger logger, Exception exception, string stack);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Could not read the applied tag of stack {Stack}: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string stack, string reason);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Write-back of {Tag} for stack {Stack}: {Kind} after {Duration}: {Message}")]
    private static partial void LogWritten(ILogger logger, string stack, string tag, string kind, TimeSpan duration, string message);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Write-back for stack {Stack} crashed")]
    private static partial void LogWriteBackCrashed(ILogger logger, Exception exception, string stack);
}
