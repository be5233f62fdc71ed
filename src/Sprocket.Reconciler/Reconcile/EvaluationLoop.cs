using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The observing loop: on each batch of requests, one service listing, the registry facts, the pure
/// three-way classification of every stack, then one atomic status update. It only observes; acting on the
/// verdict is a separate step.
/// </summary>
public sealed partial class EvaluationLoop(
    EvaluationQueue queue,
    StatusStore store,
    ISwarmObserver swarm,
    IImageFactsSource imageFacts,
    AppliedTagCache appliedTags,
    ReconcileCoordinator coordinator,
    LiveTagSearch tagSearch,
    ReconcilerMetrics metrics,
    TimeProvider time,
    ILogger<EvaluationLoop> logger) : BackgroundService
{
    private readonly HashSet<(string ServiceId, DateTimeOffset? StartedAt)> _countedRollbacks = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<EvaluationRequest> batch;
            try
            {
                batch = await queue.TakeBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await EvaluateAsync(batch, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The loop must outlive any one bad evaluation; the next request tries again.
                LogEvaluationFailed(logger, ex);
            }
        }
    }

    /// <param name="actOnVerdicts">False for one-shot observation (<c>diff</c>): classify and publish, never apply.</param>
    internal async Task EvaluateAsync(IReadOnlyList<EvaluationRequest> batch, CancellationToken cancellationToken, bool actOnVerdicts = true)
    {
        var trigger = Trigger(batch);
        var desired = store.Current.Desired;
        if (desired is null)
        {
            LogNoDesiredState(logger, trigger.Spell());
            return;
        }

        IReadOnlyList<LiveService> live;
        try
        {
            live = await swarm.ListServicesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDockerUnreachable(logger, ex.Message);
            var at = time.GetUtcNow();
            store.Update(s => s with
            {
                DockerProblem = "Docker engine unreachable: " + ex.Message,
                Last = new LastEvaluation(at, trigger, ReconcileOutcome.Error, "Docker engine unreachable: " + ex.Message),
            });
            return;
        }

        var facts = await imageFacts.GatherAsync(desired.State, live, cancellationToken);
        // The daemon refreshes applied tags in the background; a one-shot diff has no later pass, so it waits.
        if (!actOnVerdicts) await appliedTags.RefreshAsync(desired.State, cancellationToken);
        else if (trigger is not (ReconcileTrigger.Event or ReconcileTrigger.Resync)) appliedTags.RefreshInBackground(desired.State);
        var index = new LiveIndex(live);
        var stacks = desired.State.Stacks.Select(stack => DriftClassifier.Evaluate(stack, appliedTags.Get(stack.Name), index, facts)).ToImmutableArray();
        var now = time.GetUtcNow();
        var summary = Summary(stacks);
        var before = store.Current.Stacks;
        ImmutableDictionary<string, StackControl>? controls = null;
        if (actOnVerdicts)
        {
            tagSearch.SearchUnnamed(desired.State, stacks);
            controls = coordinator.Reconcile(desired, stacks, batch);
        }
        // One update for the verdict and what was decided on it: a reader never sees one without the other.
        store.Update(s => s with
        {
            Stacks = stacks,
            Evaluated = desired,
            DockerProblem = null,
            Last = new LastEvaluation(now, trigger, ReconcileOutcome.Observed, summary),
            Control = controls ?? s.Control,
        });

        RecordRollbacksAndLatency(before, stacks, live, batch, now);
        LogEvaluated(logger, trigger.Spell(), stacks.Length, summary);
    }

    /// <summary>
    /// Counts each manual rollback once, and measures detection latency only when a service's drift is new:
    /// later events on an already drifted service (rollback_completed after rollback_started) detect nothing.
    /// </summary>
    private void RecordRollbacksAndLatency(
        ImmutableArray<StackEvaluation> before, ImmutableArray<StackEvaluation> stacks, IReadOnlyList<LiveService> live,
        IReadOnlyList<EvaluationRequest> batch, DateTimeOffset now)
    {
        var previousDrift = before
            .SelectMany(stack => stack.Services.Where(s => s.ServiceId is not null).Select(s => ((stack.Stack, s.ServiceId!), s.Drift)))
            .ToDictionary(x => x.Item1, x => x.Drift);
        var byId = live.ToDictionary(s => s.Id);
        foreach (var stack in stacks)
        {
            foreach (var service in stack.Services.Where(s => s.Drift != DriftReason.None && s.ServiceId is not null))
            {
                var liveService = byId[service.ServiceId!];
                if (service.Drift == DriftReason.EmergencyRollback
                    && _countedRollbacks.Add((liveService.Id, liveService.UpdateStatus?.StartedAt)))
                    metrics.EmergencyRollbackSeen(stack.Stack, service.Name);

                if (previousDrift.GetValueOrDefault((stack.Stack, service.ServiceId!)) == service.Drift) continue;
                var firstEvent = batch.Where(r => r.ServiceId == service.ServiceId && r.EventTime is not null).Min(r => r.EventTime);
                if (firstEvent is { } eventTime) metrics.DriftDetected(now - eventTime);
            }
        }
    }

    private static ReconcileTrigger Trigger(IReadOnlyList<EvaluationRequest> batch) =>
        batch.FirstOrDefault(r => r.Trigger != ReconcileTrigger.Event)?.Trigger ?? batch[0].Trigger;

    private static string Summary(ImmutableArray<StackEvaluation> stacks) =>
        string.Join(", ", stacks.GroupBy(s => s.Status.Spell()).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Evaluated {StackCount} stacks on {Trigger}: {Summary}")]
    private static partial void LogEvaluated(ILogger logger, string trigger, int stackCount, string summary);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Docker engine unreachable: {Reason}")]
    private static partial void LogDockerUnreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Evaluation failed; the next trigger retries")]
    private static partial void LogEvaluationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "No desired state loaded yet; skipping evaluation on {Trigger}")]
    private static partial void LogNoDesiredState(ILogger logger, string trigger);
}
