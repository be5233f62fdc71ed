namespace Sprocket.Reconciler.Reconcile;

/// <summary>Whether this instance may act. Only the instance beside the Swarm's Raft leader applies; the others
/// observe and serve the read API. Swarm already elects a leader: we never run an election of our own.</summary>
public interface ILeadership
{
    bool IsLeader { get; }

    /// <summary><c>leader</c> or <c>standby</c>, as <c>/readyz</c> says it.</summary>
    string Role => IsLeader ? "leader" : "standby";
}
