using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Core.Drift;

/// <summary>The three-way verdict for one stack: what git wants, what was applied, what runs.</summary>
public sealed record StackEvaluation(
    string Stack,
    StackStatus Status,
    string Message,
    string DesiredTag,
    string? AppliedTag,
    ImmutableArray<ServiceEvaluation> Services)
{
    public bool IsDrifted => Services.Any(s => s.Drift != DriftReason.None);
}

/// <summary>One live service (or one missing one) against its desired image.</summary>
/// <param name="Name">The Swarm service name, or the match glob when the service is missing.</param>
/// <param name="InSync">Runs exactly the desired image; false for out-of-sync services without drift.</param>
/// <param name="ObserveOnly">Watched, never applied.</param>
public sealed record ServiceEvaluation(
    string Name,
    string Repository,
    string? ServiceId,
    string? LiveImage,
    string? LiveDigest,
    string? LiveTag,
    string ExpectedTag,
    string? ExpectedDigest,
    DriftReason Drift,
    bool InSync,
    SwarmUpdateState? UpdateState,
    bool ObserveOnly = false)
{
    /// <summary>The image of the spec Swarm keeps as PreviousSpec (after a manual rollback: the rolled-away one).</summary>
    public string? PreviousImage { get; init; }

    /// <summary>Swarm's own word for <see cref="UpdateState"/> (see <see cref="LiveUpdateStatus.StateText"/>), for display.</summary>
    public string? UpdateStateText { get; init; } = UpdateState?.Spell();

    /// <summary>UpdateStatus.StartedAt / CompletedAt of the last update or rollback.</summary>
    public DateTimeOffset? UpdateStartedAt { get; init; }

    public DateTimeOffset? UpdateCompletedAt { get; init; }

    /// <summary>Every desired task runs.</summary>
    public bool TasksRunning { get; init; } = true;

    /// <summary>Why Swarm paused or rolled back the service's update: its failed task's own error (see
    /// <see cref="Live.LiveService.TaskError"/>); null otherwise.</summary>
    public string? TaskError { get; init; }
}
