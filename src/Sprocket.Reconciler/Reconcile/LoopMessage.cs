using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Everything that can change a stack's state reaches <see cref="ReconcileLoop"/> as one of these, through
/// <see cref="LoopInbox"/>: the loop is the only writer of stack state, so no two of them can interleave.
/// </summary>
public abstract record LoopMessage;

/// <summary>The API's hold. <see cref="Done"/> completes once the hold is stored and published.</summary>
public sealed record HoldRequested(string Stack, string By) : LoopMessage
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The API's resume. <see cref="Done"/> completes once the resume is stored and published.</summary>
public sealed record ResumeRequested(string Stack) : LoopMessage
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>An apply started by the loop has ended; <paramref name="Revision"/> is the desired revision it applied.</summary>
public sealed record ApplyFinished(StackSpec Stack, ApplyMode Mode, ApplyCompletion Completion, string? Revision = null) : LoopMessage;

/// <summary>A write-back started by the loop has ended.</summary>
public sealed record WriteBackFinished(DesiredSnapshot Desired, StackSpec Stack, StackEvaluation Evaluation, RollbackIncident Incident,
    IncidentWriteOutcome Outcome) : LoopMessage;

/// <summary>The tags the engines say they applied last (pulumi: stack history), read in the background from
/// <paramref name="StartedAt"/> on.</summary>
public sealed record AppliedTagsRead(IReadOnlyDictionary<string, string?> Tags, DateTimeOffset StartedAt) : LoopMessage;
