namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Asks the loop to evaluate. <paramref name="EventTime"/> is the Swarm's own time for event triggers, so that
/// detection latency is measured from the change, not from when we happened to read it.
/// </summary>
public sealed record EvaluationRequest(string Trigger, string? ServiceId = null, DateTimeOffset? EventTime = null);
