using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.Core.Live;

/// <summary>Swarm's UpdateStatus.State. <see cref="Unknown"/>: a word this agent does not know (a newer Engine);
/// <see cref="LiveUpdateStatus.StateText"/> keeps it for display.</summary>
public enum SwarmUpdateState { Unknown, Updating, Paused, Completed, RollbackStarted, RollbackPaused, RollbackCompleted }

public static class SwarmUpdateStates
{
    /// <summary>moby/moby's spellings: api/types/swarm/service.go, the UpdateState constants
    /// (UpdateStateUpdating … UpdateStateRollbackCompleted).</summary>
    public static SpellingTable<SwarmUpdateState> Spellings { get; } = new(
        (SwarmUpdateState.Updating, "updating"),
        (SwarmUpdateState.Paused, "paused"),
        (SwarmUpdateState.Completed, "completed"),
        (SwarmUpdateState.RollbackStarted, "rollback_started"),
        (SwarmUpdateState.RollbackPaused, "rollback_paused"),
        (SwarmUpdateState.RollbackCompleted, "rollback_completed"));

    /// <summary>The state Swarm reports; null when it reports none (no update since the service was created).</summary>
    public static SwarmUpdateState? Parse(string? text) =>
        string.IsNullOrEmpty(text) ? null
        : Spellings.TryParse(text, out var state) ? state
        : SwarmUpdateState.Unknown;

    public static string Spell(this SwarmUpdateState state) =>
        state == SwarmUpdateState.Unknown ? "unknown" : Spellings.Spell(state);

    public static bool IsRollback(this SwarmUpdateState state) =>
        state is SwarmUpdateState.RollbackStarted or SwarmUpdateState.RollbackPaused or SwarmUpdateState.RollbackCompleted;
}
