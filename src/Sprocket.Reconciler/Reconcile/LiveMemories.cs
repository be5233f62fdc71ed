using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// What the loop remembers per live service between passes — rollbacks already counted, how each rollback started, digests
/// already searched for a tag — and forgets when the service (or the digest) is gone, so memory follows the Swarm's size
/// rather than its history. Used by <see cref="ReconcileLoop"/> only, on its own thread.
/// </summary>
public sealed class LiveMemories(RollbackOriginMemory origins, LiveTagSearch tagSearch, ReconcilerMetrics metrics)
{
    private readonly HashSet<(string ServiceId, DateTimeOffset? StartedAt)> _countedRollbacks = [];

    /// <summary>After each listing: forget what belongs to services that are gone, and name unknown rolled-back digests.</summary>
    public void Observed(IReadOnlyList<LiveService> live, DesiredState desired, ImmutableArray<StackEvaluation> stacks)
    {
        var ids = live.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        _countedRollbacks.RemoveWhere(counted => !ids.Contains(counted.ServiceId));
        origins.Forget(id => !ids.Contains(id));
        tagSearch.SearchUnnamed(desired, stacks);
        metrics.Known(stacks);
    }

    /// <summary>
    /// Counts each manual rollback once, and measures detection latency only when a service's drift is new:
    /// later events on an already drifted service (rollback_completed after rollback_started) detect nothing.
    /// </summary>
    public void RecordRollbacksAndLatency(
        ImmutableArray<StackEvaluation> before, ImmutableArray<StackEvaluation> stacks, IReadOnlyList<LiveService> live,
        IReadOnlyList<EvaluationRequest> requests, DateTimeOffset now)
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
                var firstEvent = requests.Where(r => r.ServiceId == service.ServiceId && r.EventTime is not null).Min(r => r.EventTime);
                if (firstEvent is { } eventTime) metrics.DriftDetected(now - eventTime);
            }
        }
    }
}
