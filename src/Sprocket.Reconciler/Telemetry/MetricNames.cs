namespace Sprocket.Reconciler.Telemetry;

/// <summary>
/// Instrument names exactly as Prometheus scrapes them (a contract, listed in the README's Metrics table: dashboards and alert
/// rules depend on them). The OpenTelemetry exporter keeps a name that already ends in its unit or
/// <c>_total</c>, so these are also the names the meter creates.
/// </summary>
public static class MetricNames
{
    public const string MeterName = "Sprocket.Reconciler";

    /// <summary>1 for the stack's current status, 0 for every other status value.</summary>
    public const string StackStatus = "sprocket_reconciler_stack_status";

    /// <summary>1 while a service is drifted, labelled with the drift reason.</summary>
    public const string ServiceDrift = "sprocket_reconciler_service_drift";

    /// <summary>Always 1; the labels carry desired tag and digest, live tag and live digest per service.</summary>
    public const string ServiceImageInfo = "sprocket_reconciler_service_image_info";

    /// <summary>Manual Swarm rollbacks seen, per stack and service.</summary>
    public const string EmergencyRollbacks = "sprocket_reconciler_emergency_rollbacks_total";

    /// <summary>Seconds from the Swarm event to the drift being visible in status and metrics.</summary>
    public const string DriftDetection = "sprocket_reconciler_drift_detection_seconds";

    /// <summary>Always 1; labels name the desired-state repository, branch and revision in force.</summary>
    public const string DesiredRevisionInfo = "sprocket_reconciler_desired_revision_info";

    /// <summary>Fetches of the desired-state repository that returned no file; labels <c>repository</c> (no
    /// credentials) and <c>reason</c> (unreachable, auth, branch-missing, file-missing, storage).</summary>
    public const string DesiredStateFetchFailures = "sprocket_reconciler_desired_state_fetch_failures_total";

    /// <summary>1 while the latest fetch of the desired-state repository failed (remote down, 5xx, refused credentials):
    /// the last good state stays in force meanwhile; 0 once a fetch reaches the branch head again. Label <c>repository</c>.</summary>
    public const string DesiredStateFetchFailing = "sprocket_reconciler_desired_state_fetch_failing";

    /// <summary>Times the desired-state branch head was seen to move other than forward: <c>kind</c> = <c>backwards</c>
    /// (force-pushed to an older revision) or <c>rewritten</c> (force-pushed to a revision that does not descend from the
    /// previous head). Label <c>repository</c> too.</summary>
    public const string DesiredStateForcedPushes = "sprocket_reconciler_desired_state_forced_pushes_total";

    /// <summary>Desired-state files rejected by validation (the last good state stays in force).</summary>
    public const string DesiredStateRejected = "sprocket_reconciler_desired_state_rejected_total";

    /// <summary>Per-stack reconcile passes, by what triggered them and how they ended.</summary>
    public const string Reconciles = "sprocket_reconciler_reconciles_total";

    /// <summary>Seconds an apply took (pre-flight to convergence), by engine and outcome.</summary>
    public const string ApplyDuration = "sprocket_reconciler_apply_duration_seconds";

    /// <summary>Unix time the stack was last seen synced.</summary>
    public const string LastSuccessfulSync = "sprocket_reconciler_last_successful_sync_timestamp_seconds";

    /// <summary>Emergency-rollback realignments by outcome: commit, pull-request, superseded, failed (write-back) and aligned.</summary>
    public const string Realignments = "sprocket_reconciler_realignments_total";

    /// <summary>Unix time the stack's hold began, labelled with the hold's <c>reason</c>; present only while the stack is held.</summary>
    public const string StackHeldSince = "sprocket_reconciler_stack_held_since_timestamp_seconds";

    /// <summary>The stack's <c>policy.stabilization</c> in seconds: how long an emergency rollback must stay settled
    /// before git is realigned. Alert rules compare hold ages with it.</summary>
    public const string StackStabilization = "sprocket_reconciler_stack_stabilization_seconds";

    /// <summary>Unix time git is realigned to a settled emergency rollback; present from the moment the rollback has
    /// settled until the emergency-rollback incident ends (git realigned and the engine aligned, or a human resumed),
    /// so it can stay in the past while the write-back and the align run.</summary>
    public const string StackStabilizationDeadline = "sprocket_reconciler_stack_stabilization_deadline_timestamp_seconds";

    /// <summary>Applies of the stack that failed in a row since its last successful one; 0 once an apply succeeds or
    /// git names another tag. Unlike the status (which reads <c>applying</c> during each retry) it stays above 0
    /// through the backoff, so an alert can wait on it.</summary>
    public const string StackApplyConsecutiveFailures = "sprocket_reconciler_stack_apply_consecutive_failures";

    /// <summary>1 while the newest desired-state revision fetched failed validation (an older one stays in force), 0
    /// once a valid revision is the newest. A failed fetch leaves it as it was.</summary>
    public const string DesiredStateNewestRejected = "sprocket_reconciler_desired_state_newest_rejected";

    /// <summary>1 while failed applies have opened the stack's circuit (no automatic apply until git or a human acts), else 0.</summary>
    public const string StackApplyCircuitOpen = "sprocket_reconciler_stack_apply_circuit_open";

    /// <summary>1 on the instance that acts (the Swarm Raft leader's node).</summary>
    public const string Leader = "sprocket_reconciler_leader";

    /// <summary>1 while the last evaluation could read the Docker engine, 0 from a failed read until one succeeds again
    /// (engine stopped or restarting, socket gone): the agent neither sees nor acts meanwhile.</summary>
    public const string DockerEngineReachable = "sprocket_reconciler_docker_engine_reachable";

    /// <summary>1 while the state database accepts writes, 0 while a write is refused (the agent is not ready and does not act).</summary>
    public const string StateWritable = "sprocket_reconciler_state_writable";

    /// <summary>Writes to the state database that failed (disk full, read-only, locked, corrupted), retries included.</summary>
    public const string StateWriteFailures = "sprocket_reconciler_state_write_failures_total";
}
