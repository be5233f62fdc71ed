using System.Collections.Concurrent;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The third leg of the three-way diff: the tag each stack's engine last applied (pulumi: stack history; swarm:
/// the label written on our last update). Read on polls and after applies, not on every Swarm event, because
/// asking Pulumi costs a CLI run; events reuse the last answer.
/// </summary>
public sealed partial class AppliedTagCache(ApplyRunner runner, ApplyHistory history, EvaluationQueue queue, ILogger<AppliedTagCache> logger)
{
    private readonly ConcurrentDictionary<string, string?> _tags = new(StringComparer.Ordinal);
    private int _refreshing;

    public string? Get(string stack) => _tags.GetValueOrDefault(stack);

    /// <summary>
    /// Refreshes every stack's applied tag in the background (stacks in parallel) and asks for an evaluation when an
    /// answer changed, so a slow <c>pulumi stack history</c> never delays the evaluation that asked for it.
    /// </summary>
    public void RefreshInBackground(DesiredState desired)
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try
            {
                if (await RefreshAsync(desired, CancellationToken.None)) queue.Request(new EvaluationRequest(ReconcileTrigger.Resync));
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    /// <summary>Reads every stack's applied tag now; true when any answer changed.</summary>
    public async Task<bool> RefreshAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        var changed = 0;
        await Parallel.ForEachAsync(desired.Stacks, cancellationToken, async (stack, ct) =>
        {
            if (runner.IsApplying(stack.Name) || runner.EngineFor(stack) is not { } engine) return;
            try
            {
                // The engine's own record first (Pulumi's history, our Swarm labels); when it has none — a Swarm
                // rollback restores a spec without our labels — the daemon's apply history says what it applied last.
                var tag = await engine.ReadAppliedTagAsync(stack, ct) ?? LastSucceeded(stack.Name);
                if (!_tags.TryGetValue(stack.Name, out var known) || known != tag) Interlocked.Exchange(ref changed, 1);
                _tags[stack.Name] = tag;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Unknown is a valid answer: the classifier then decides from the previous spec.
                LogReadFailed(logger, stack.Name, ex.Message);
            }
        });
        return changed == 1;
    }

    private string? LastSucceeded(string stack) =>
        history.Recent(stack, 20).FirstOrDefault(r => r.Outcome == nameof(ApplyOutcome.Succeeded))?.Tag;

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Could not read the applied tag of stack {Stack}: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string stack, string reason);
}
