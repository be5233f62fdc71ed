namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Asks the loop for a pass: list the Swarm, classify and decide. <paramref name="EventTime"/> is the Swarm's own time
/// for event triggers, so that detection latency is measured from the change, not from when we happened to read it.
/// <paramref name="Stack"/> with <paramref name="Manual"/>: a human asked to reconcile that stack (the API).
/// </summary>
public sealed record EvaluationRequest(
    ReconcileTrigger Trigger, string? ServiceId = null, DateTimeOffset? EventTime = null, string? Stack = null, bool Manual = false) : LoopMessage;
