using System.Diagnostics.Metrics;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Telemetry;

/// <summary>
/// The daemon's instruments. Gauges are observed from the current <see cref="ReconcilerStatus"/> at scrape
/// time, so they can never disagree with the JSON API; counters and histograms are fed by the loop.
/// </summary>
public sealed class ReconcilerMetrics
{
    private readonly Counter<long> _emergencyRollbacks;
    private readonly Histogram<double> _driftDetection;
    private readonly Counter<long> _desiredStateInvalid;

    private readonly Counter<long> _reconciles;
    private readonly Counter<long> _stateWriteFailures;
    private readonly Counter<long> _realignments;
    private readonly Histogram<double> _applyDuration;

    // 1 while the newest fetched revision failed validation; written by the tracker's one fetch at a time, read at scrape.
    private volatile int _newestRevisionRejected;

    public ReconcilerMetrics(IMeterFactory meterFactory, StatusStore status, DesiredStateLocation location, ILeadership leadership)
    {
        var meter = meterFactory.Create(MetricNames.MeterName);
        _emergencyRollbacks = meter.CreateCounter<long>(MetricNames.EmergencyRollbacks,
            description: "Manual Swarm rollbacks (docker service update --rollback) seen, per service.");
        _driftDetection = meter.CreateHistogram<double>(MetricNames.DriftDetection, unit: "s",
            description: "Seconds from a Swarm service event to the drift it caused being visible.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 5, 10, 30] });
        _desiredStateInvalid = meter.CreateCounter<long>(MetricNames.DesiredStateRejected,
            description: "Desired-state revisions rejected by validation; the last good state stayed in force.");
        // Exported from start-up at 0: a counter that first appears at 1 hides that first rejection from increase().
        _desiredStateInvalid.Add(0);

        _realignments = meter.CreateCounter<long>(MetricNames.Realignments,
            description: "Emergency-rollback realignments, by outcome.");
        _reconciles = meter.CreateCounter<long>(MetricNames.Reconciles,
            description: "Per-stack reconcile passes, by trigger and outcome.");
        _applyDuration = meter.CreateHistogram<double>(MetricNames.ApplyDuration, unit: "s",
            description: "Seconds an apply took, from pre-flight to convergence.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1200] });
        meter.CreateObservableGauge(MetricNames.LastSuccessfulSync, () => LastSynced(status.Current), unit: "s",
            description: "Unix time the stack was last seen synced.");
        meter.CreateObservableGauge(MetricNames.Leader, () => leadership.IsLeader ? 1 : 0,
            description: "1 on the instance that acts (beside the Swarm's Raft leader), 0 on a standby.");
        meter.CreateObservableGauge(MetricNames.DockerEngineReachable, () => EngineReachable(status.Current),
            description: "1 while the Docker engine answered the last evaluation; 0 before the first one and while it cannot be read (the agent neither sees nor acts).");
        meter.CreateObservableGauge(MetricNames.StackStatus, () => StackStatuses(status.Current),
            description: "1 for the stack's current status, 0 for the others.");
        meter.CreateObservableGauge(MetricNames.ServiceDrift, () => ServiceDrifts(status.Current),
            description: "1 while the service is drifted for the reason in the label.");
        meter.CreateObservableGauge(MetricNames.ServiceImageInfo, () => ImageInfo(status.Current),
            description: "Desired tag, live tag and live digest of each service; always 1.");
        meter.CreateObservableGauge(MetricNames.DesiredRevisionInfo, () => RevisionInfo(status.Current, location),
            description: "The desired-state revision in force; always 1.");
        meter.CreateObservableGauge(MetricNames.StackHeldSince, () => StackControlMeasurements.HeldSince(status.Current), unit: "s",
            description: "Unix time the stack's hold began, by reason; present only while held.");
        meter.CreateObservableGauge(MetricNames.StackStabilization, () => StackControlMeasurements.Stabilization(status.Current), unit: "s",
            description: "The stack's policy.stabilization: how long an emergency rollback must stay settled before git is realigned.");
        meter.CreateObservableGauge(MetricNames.StackStabilizationDeadline, () => StackControlMeasurements.StabilizationDeadline(status.Current), unit: "s",
            description: "Unix time git is realigned to a settled emergency rollback; present only while that clock runs.");
        meter.CreateObservableGauge(MetricNames.StackApplyConsecutiveFailures, () => StackControlMeasurements.ConsecutiveFailures(status.Current),
            description: "Applies of the stack that failed in a row since its last successful one (0 once one succeeds or git names another tag).");
        meter.CreateObservableGauge(MetricNames.DesiredStateNewestRejected, () => _newestRevisionRejected,
            description: "1 while the newest fetched desired-state revision failed validation (an older one stays in force), else 0.");
        _stateWriteFailures = meter.CreateCounter<long>(MetricNames.StateWriteFailures,
            description: "Writes to the state database (reconciler.db) that failed, retries included.");
        _stateWriteFailures.Add(0);
        meter.CreateObservableGauge(MetricNames.StateWritable, () => status.Current.StateProblem is null ? 1 : 0,
            description: "1 while the state database accepts writes; 0 while one is refused and the agent does not act.");
        meter.CreateObservableGauge(MetricNames.StackApplyCircuitOpen, () => StackControlMeasurements.CircuitOpen(status.Current),
            description: "1 while failed applies have opened the stack's circuit, else 0.");
    }

    public void EmergencyRollbackSeen(string stack, string service) =>
        _emergencyRollbacks.Add(1, new("stack", stack), new("service", service));

    public void DriftDetected(TimeSpan sinceEvent) => _driftDetection.Record(Math.Max(0, sinceEvent.TotalSeconds));

    /// <summary>A newly fetched revision failed validation (counted once per revision).</summary>
    public void DesiredStateRejected() => _desiredStateInvalid.Add(1);

    /// <summary>The verdict on the newest fetched revision, for as long as it is the newest (a failed fetch changes nothing).</summary>
    public void NewestRevisionJudged(bool rejected) => _newestRevisionRejected = rejected ? 1 : 0;

    /// <summary>
    /// Exports the per-stack counters at 0 for every stack and service evaluated: Prometheus's increase() cannot see the
    /// first event of a series that first appears at 1, so without this the first emergency rollback or realignment of
    /// a stack would show as nothing on the dashboard and in the alert rules. Adding 0 to an existing series changes
    /// nothing, so every pass may call it. Only services that run and are managed get a rollback series: a missing
    /// one is named by its match glob, and an observe-only one is never counted.
    /// </summary>
    public void Known(IEnumerable<StackEvaluation> stacks)
    {
        foreach (var stack in stacks)
        {
            foreach (var service in stack.Services.Where(s => s.ServiceId is not null && !s.ObserveOnly))
                _emergencyRollbacks.Add(0, new("stack", stack.Stack), new("service", service.Name));
            foreach (var outcome in RealignmentOutcomes)
                _realignments.Add(0, new("stack", stack.Stack), new("outcome", outcome));
        }
    }

    private static readonly string[] RealignmentOutcomes = [.. WriteBackKinds.Spellings.Values.Select(k => k.Spell()), AlignedOutcome];

    private const string AlignedOutcome = "aligned";

    public void Reconciled(string stack, ReconcileTrigger trigger, ReconcileOutcome outcome) =>
        _reconciles.Add(1, new("stack", stack), new("trigger", trigger.Spell()), new("outcome", outcome.Spell()));

    /// <summary>A write-back ended: the <c>outcome</c> label is the write-back's kind.</summary>
    public void Realigned(string stack, WriteBackKind outcome) => Realigned(stack, outcome.Spell());

    /// <summary>The engine's state was aligned with git after a write-back: the realignment is complete.</summary>
    public void Aligned(string stack) => Realigned(stack, AlignedOutcome);

    private void Realigned(string stack, string outcome) =>
        _realignments.Add(1, new("stack", stack), new("outcome", outcome));

    public void ApplyFinished(string stack, string engine, ReconcileOutcome outcome, TimeSpan duration) =>
        _applyDuration.Record(duration.TotalSeconds, new("stack", stack), new("engine", engine), new("outcome", outcome.Spell()));

    /// <summary>1 only once an evaluation has read the engine: before the first, nothing says it answers, and an
    /// alert on 0 must not stay silent through a start-up that never reaches it.</summary>
    internal static int EngineReachable(ReconcilerStatus current) => current.Last is not null && current.DockerProblem is null ? 1 : 0;

    private static IEnumerable<Measurement<double>> LastSynced(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
            if (current.ControlOf(stack.Stack)?.LastSyncedAt is { } at)
                yield return new(at.ToUnixTimeMilliseconds() / 1000.0, new KeyValuePair<string, object?>("stack", stack.Stack));
    }

    private static IEnumerable<Measurement<int>> StackStatuses(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
        {
            var published = current.ControlOf(stack.Stack)?.Status ?? stack.Status;
            foreach (var value in Core.Drift.StackStatuses.Spellings.Values)
                yield return new(published == value ? 1 : 0, new("stack", stack.Stack), new("status", value.Spell()));
        }
    }

    private static IEnumerable<Measurement<int>> ServiceDrifts(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
            foreach (var service in stack.Services)
                foreach (var reason in DriftReasons.Spellings.Values.Where(r => r != DriftReason.None))
                    yield return new(service.Drift == reason ? 1 : 0,
                        new("stack", stack.Stack), new("service", service.Name), new("reason", reason.Spell()));
    }

    private static IEnumerable<Measurement<int>> ImageInfo(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
            foreach (var service in stack.Services)
                yield return new(1, new("stack", stack.Stack), new("service", service.Name),
                    new("desired_tag", service.ExpectedTag), new("desired_digest", service.ExpectedDigest ?? ""),
                    new("live_tag", service.LiveTag ?? ""), new("live_digest", service.LiveDigest ?? ""));
    }

    private static IEnumerable<Measurement<int>> RevisionInfo(ReconcilerStatus current, DesiredStateLocation location)
    {
        if (current.Desired is { } desired)
            yield return new(1, new("repository", location.DisplayRepository), new("branch", location.Branch), new("revision", desired.Revision));
    }

    public void StateWriteFailed() => _stateWriteFailures.Add(1);
}
