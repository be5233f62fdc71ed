using Sprocket.Reconciler.Core.Vocabulary;

namespace Sprocket.Reconciler.State;

/// <summary>What happened to a stack, as its timeline (<see cref="StackEventLog"/>, <c>/events</c>, the status page) names it.</summary>
public enum StackEventKind
{
    /// <summary>A live service stopped matching the desired tag, and nobody rolled it back on purpose.</summary>
    DriftSeen,
    /// <summary>An on-call <c>docker service update --rollback</c> (or Swarm's own after a failed update) was seen; the stack is held.</summary>
    EmergencyRollback,
    /// <summary>The stack is held for another reason (manual, drift policy, failed-update rollback).</summary>
    Hold,
    /// <summary>A hold was lifted (by the API, by a new desired tag, or by realignment).</summary>
    Resume,
    /// <summary>The stabilization clock started: the rolled-back tag must stay healthy this long before it is written back.</summary>
    StabilizationStarted,
    /// <summary>The stabilization clock started over (the live tag or its health changed while it ran).</summary>
    StabilizationReset,
    /// <summary>The live tag was committed to the desired-state file; <see cref="StackEvent.Link"/> is the commit.</summary>
    WriteBackCommit,
    /// <summary>The live tag was proposed in a pull request; <see cref="StackEvent.Link"/> is the pull request.</summary>
    WriteBackPullRequest,
    /// <summary>A write-back was dropped because the desired tag changed meanwhile.</summary>
    WriteBackSuperseded,
    /// <summary>A write-back could not be made (git push refused, GitHub down).</summary>
    WriteBackFailed,
    /// <summary>Nothing needed writing (an open pull request already proposes the tag).</summary>
    WriteBackNothingToDo,
    /// <summary>The engine's state was brought back in line with what runs, after a write-back.</summary>
    Aligned,
    ApplyStarted,
    ApplySucceeded,
    /// <summary>An apply ended otherwise than succeeded (failed, rolled back, locked, misconfigured, cancelled); the message says which.</summary>
    ApplyFailed,
    /// <summary>Consecutive failed applies opened the circuit: no more automatic applies until a resume or a new tag.</summary>
    CircuitOpen,
    /// <summary>The desired-state file in force was refused for this stack (invalid, unresolvable tag).</summary>
    DesiredRejected,
    /// <summary>The stack is back in sync: live, engine state and desired agree.</summary>
    Synced,
    /// <summary>The desired-state branch was force-pushed (moved backwards or rewritten); the message names both revisions.</summary>
    DesiredBranchForcePushed,
}

public static class StackEventKinds
{
    public static SpellingTable<StackEventKind> Spellings { get; } = new(
        (StackEventKind.DriftSeen, "drift-seen"),
        (StackEventKind.EmergencyRollback, "emergency-rollback"),
        (StackEventKind.Hold, "hold"),
        (StackEventKind.Resume, "resume"),
        (StackEventKind.StabilizationStarted, "stabilization-started"),
        (StackEventKind.StabilizationReset, "stabilization-reset"),
        (StackEventKind.WriteBackCommit, "write-back-commit"),
        (StackEventKind.WriteBackPullRequest, "write-back-pull-request"),
        (StackEventKind.WriteBackSuperseded, "write-back-superseded"),
        (StackEventKind.WriteBackFailed, "write-back-failed"),
        (StackEventKind.WriteBackNothingToDo, "write-back-nothing-to-do"),
        (StackEventKind.Aligned, "aligned"),
        (StackEventKind.ApplyStarted, "apply-started"),
        (StackEventKind.ApplySucceeded, "apply-succeeded"),
        (StackEventKind.ApplyFailed, "apply-failed"),
        (StackEventKind.CircuitOpen, "circuit-open"),
        (StackEventKind.DesiredRejected, "desired-rejected"),
        (StackEventKind.Synced, "synced"),
        (StackEventKind.DesiredBranchForcePushed, "desired-branch-force-pushed"));

    public static string Spell(this StackEventKind kind) => Spellings.Spell(kind);
}
