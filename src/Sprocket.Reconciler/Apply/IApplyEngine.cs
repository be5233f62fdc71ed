using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Apply;

/// <summary>
/// Puts a stack's pinned images into the Swarm: directly (<c>engine: swarm</c>) or through <c>pulumi up</c>
/// (<c>engine: pulumi</c>). An engine never decides whether to apply — the policy does — and never throws for
/// an outside failure: it returns an <see cref="ApplyResult"/> the loop records and schedules from.
/// </summary>
public interface IApplyEngine
{
    /// <summary>"swarm" or "pulumi", as in the desired-state file and the <c>engine</c> metric label.</summary>
    string Engine { get; }

    Task<ApplyResult> ApplyAsync(ApplyRequest request, IProgress<ApplyProgress>? progress, CancellationToken cancellationToken);

    /// <summary>The tag the engine last applied for the stack (pulumi: the config key of the last succeeded
    /// update in <c>stack history</c>), or null when the engine has applied none. A read that fails throws, and
    /// the caller keeps what it knew: one failed CLI run must not turn a known tag into "unknown".</summary>
    Task<string?> ReadAppliedTagAsync(StackSpec stack, CancellationToken cancellationToken);

    /// <summary>The applied tag read from a service listing the caller already holds, with no call of its own
    /// (swarm: the labels of the stack's managed services), or <see cref="AppliedTagAnswer.AskEngine"/> when only
    /// <see cref="ReadAppliedTagAsync"/> can tell (pulumi: the loop reads it at start, after its applies and at each resync).</summary>
    AppliedTagAnswer AppliedTagFromListing(StackSpec stack, LiveIndex live);
}

/// <summary>Deploy puts the tag in place; Align records a tag that already runs (after an emergency rollback:
/// pulumi <c>config set</c> + <c>up --refresh</c> so Pulumi state matches what runs; swarm: nothing to change).</summary>
public enum ApplyMode { Deploy, Align }

/// <summary>What to apply. Every image is already resolved: <see cref="PinnedImage.Digest"/> is what must run.</summary>
public sealed record ApplyRequest(
    StackSpec Stack,
    string Tag,
    IReadOnlyList<PinnedImage> Images,
    ApplyMode Mode,
    string Revision,
    ReconcileTrigger Trigger);

/// <summary>One managed service of the stack with its resolved image.</summary>
/// <param name="ServiceName">The live Swarm service name (Pulumi auto-names them; matched by glob and repository).</param>
public sealed record PinnedImage(string ServiceName, string ServiceId, string Repository, string Tag, string Digest)
{
    /// <summary>The reference written into the spec: <c>repository:tag@digest</c>, so the digest is what runs
    /// and the tag stays readable.</summary>
    public string Reference => $"{Repository}:{Tag}@{Digest}";
}

public sealed record ApplyResult(
    ApplyOutcome Outcome,
    string Message,
    IReadOnlyList<ServiceChange> Changes,
    PreviewSummary? Preview = null)
{
    public bool Succeeded => Outcome == ApplyOutcome.Succeeded;
}

/// <summary>One service's image before and after, for the apply record (the deployment BOM).</summary>
public sealed record ServiceChange(string ServiceName, string? ImageBefore, string? ImageAfter);

/// <summary>What <c>pulumi preview --json</c> said would change, kept with the apply record.</summary>
public sealed record PreviewSummary(IReadOnlyDictionary<string, int> ChangeSummary, IReadOnlyList<string> Steps, IReadOnlyList<string> Diagnostics);

/// <summary>A line of progress while an apply runs (event-log entries, convergence), for logs and the record.</summary>
public sealed record ApplyProgress(DateTimeOffset At, string Message);
