using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// One immutable picture of everything the daemon knows, swapped atomically after each evaluation so that
/// the API, the page and the metrics always read a consistent whole.
/// </summary>
/// <param name="Desired">The desired state in force: the newest valid revision.</param>
/// <param name="Evaluated">The desired state <see cref="Stacks"/> were computed from. It lags <see cref="Desired"/>
/// while a new revision is being evaluated; a stack document must never mix the two.</param>
public sealed record ReconcilerStatus(
    DesiredSnapshot? Desired,
    DesiredStateProblem? DesiredProblem,
    ImmutableArray<StackEvaluation> Stacks,
    LastEvaluation? Last,
    string? DockerProblem,
    DesiredSnapshot? Evaluated = null,
    ImmutableDictionary<string, StackControl>? Control = null,
    string? StateProblem = null)
{
    public static ReconcilerStatus Empty { get; } = new(null, null, [], null, null);

    /// <summary>The acting side's conclusion for a stack, once it has one.</summary>
    public StackControl? ControlOf(string stack) => Control?.GetValueOrDefault(stack);

    public bool Ready => Desired is not null && DockerProblem is null && StateProblem is null && Last is not null;
}

/// <summary>Why the newest desired state is not in force: a fetch failure or a rejected file, with when.</summary>
public sealed record DesiredStateProblem(DesiredStateProblemKind Kind, string Message, string? Revision, DateTimeOffset At);

/// <summary>The latest evaluation: when, what triggered it and what it concluded.</summary>
public sealed record LastEvaluation(DateTimeOffset At, ReconcileTrigger Trigger, ReconcileOutcome Outcome, string Message);
