using System.Collections.Concurrent;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Runs write-backs in the background, at most one per stack, so a slow git push or GitHub call never delays the
/// loop; when one ends it asks for an evaluation so the result shows at once.
/// </summary>
public sealed partial class WriteBackRunner(
    IIncidentWriter writer,
    EvaluationQueue queue,
    TimeProvider time,
    ILogger<WriteBackRunner> logger)
{
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    public bool IsWriting(string stack) => _running.ContainsKey(stack);

    public bool TryStart(DesiredSnapshot desired, StackSpec stack, RollbackIncident incident, Action<IncidentWriteOutcome> done)
    {
        if (!_running.TryAdd(stack.Name, 0)) return false;
        _ = Task.Run(async () =>
        {
            var started = time.GetTimestamp();
            try
            {
                var outcome = await writer.WriteAsync(desired, stack, incident, CancellationToken.None);
                LogWritten(logger, stack.Name, incident.GoodTag ?? "?", (outcome.Record?.Kind ?? WriteBackKind.Failed).Spell(), time.GetElapsedTime(started), outcome.Message);
                done(outcome);
            }
            catch (Exception ex)
            {
                LogCrashed(logger, ex, stack.Name);
                done(new IncidentWriteOutcome(null, "write-back crashed: " + ex.Message));
            }
            finally
            {
                _running.TryRemove(stack.Name, out _);
                queue.Request(new EvaluationRequest(ReconcileTrigger.Apply, Stack: stack.Name));
            }
        });
        return true;
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Write-back of {Tag} for stack {Stack}: {Kind} after {Duration}: {Message}")]
    private static partial void LogWritten(ILogger logger, string stack, string tag, string kind, TimeSpan duration, string message);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Write-back for stack {Stack} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string stack);
}
