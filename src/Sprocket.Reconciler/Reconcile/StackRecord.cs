using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Everything the daemon knows about one stack, owned by <see cref="ReconcileLoop"/> alone: what the policy remembers
/// (<see cref="State"/>, persisted), the tag the engine applied last, the operation in flight, when to look again and
/// what was last published. Replaced whole on every change.
/// </summary>
/// <param name="AppliedTag">The engine's own answer when it keeps one outside the Swarm (pulumi); null while unknown.</param>
/// <param name="LastSucceededTag">The tag of this daemon's last successful apply, the fallback when the engine has no record
/// (a Swarm rollback restores a spec without our labels).</param>
/// <param name="WakeAt">When the policy wants another look (backoff, sync window, end of stabilization).</param>
/// <param name="RecheckAt">When a stack that is not settled is looked at again without any event (one poll interval on).</param>
public sealed record StackRecord(
    StackRuntimeState State,
    string? AppliedTag,
    string? LastSucceededTag,
    StackOperation InFlight,
    DateTimeOffset? WakeAt,
    DateTimeOffset? RecheckAt,
    StackControl? Published)
{
    public static StackRecord Initial { get; } = new(StackRuntimeState.Initial, null, null, StackOperation.None, null, null, null);

    /// <summary>When our own apply set <see cref="AppliedTag"/>: an engine read that began earlier is older news.</summary>
    public DateTimeOffset? AppliedTagSetAt { get; init; }

    /// <summary>
    /// The control last told (notified, its status on the timeline) by this instance while it led. It moves only when
    /// told, so a leader compares against it and tells what happened while it was a standby or while no instance led.
    /// </summary>
    public StackControl? Told { get; init; }

    /// <summary>The policy state the timeline last told of (holds, incidents): what a standby changed is told once it leads.</summary>
    public StackRuntimeState StateTold { get; init; } = StackRuntimeState.Initial;

    /// <summary>A standby made a pass since the last told: the first pass as leader reads what the timeline says, as after a start.</summary>
    public bool WatchedAsStandby { get; init; }
}

/// <summary>What the loop has started for a stack and not yet heard back from; at most one at a time.</summary>
public enum StackOperation
{
    None,
    Applying,
    WritingBack,
}
