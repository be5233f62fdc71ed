using System.Text.Json.Serialization;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Http;

/// <summary>The stack JSON of <c>GET /api/v1/stacks</c> (a contract: on-call tooling and the status page read it).</summary>
public sealed record StackDocument(
    string Name,
    string Engine,
    string Status,
    string Message,
    DesiredDocument Desired,
    AppliedDocument Applied,
    IReadOnlyList<ServiceDocument> Services,
    LastReconcileDocument? LastReconcile,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HoldDocument? Hold = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IncidentDocument? Incident = null)
{
    /// <summary>The observed verdict, overridden by what the acting side concluded (held, applying, failed).</summary>
    public static StackDocument From(StackEvaluation evaluation, ReconcilerStatus status)
    {
        var evaluated = status.Evaluated ?? status.Desired;
        var spec = evaluated?.State.FindStack(evaluation.Stack);
        var control = status.ControlOf(evaluation.Stack);
        var verdict = control?.Message ?? evaluation.Message;
        var message = status.DesiredProblem is { } problem
            ? $"{verdict} | desired state {problem.Kind.Spell()}: {problem.Message} (revision {Short(status.Desired?.Revision)} stays in force)"
            : verdict;
        var last = control?.LastReconcile is { } record
            ? new LastReconcileDocument(record.At, record.Trigger.Spell(), record.Outcome.Spell(), record.Message)
            : status.Last is { } observed ? new LastReconcileDocument(observed.At, observed.Trigger.Spell(), observed.Outcome.Spell(), observed.Message) : null;
        return new StackDocument(
            evaluation.Stack,
            spec?.Engine == StackEngine.Pulumi ? "pulumi" : "swarm",
(control?.Status ?? evaluation.Status).Spell(),
            message,
            new DesiredDocument(evaluation.DesiredTag, evaluated?.Revision),
            new AppliedDocument(evaluation.AppliedTag),
            evaluation.Services.Select(ServiceDocument.From).ToList(),
            last,
            control?.State.Hold is { } hold ? new HoldDocument(hold.Reason.Spell(), hold.Message, hold.Since, hold.Manual) : null,
            control?.State.Incident is { } incident && spec is not null ? IncidentDocument.From(incident, spec.Policy.Stabilization) : null);
    }

    private static string Short(string? revision) => revision is { Length: > 12 } ? revision[..12] : revision ?? "none";
}

/// <summary>Why the stack is held and since when (absent when not held).</summary>
public sealed record HoldDocument(string Reason, string Message, DateTimeOffset Since, bool Manual);

/// <summary>The emergency rollback being realigned: from and to, stabilization and what was written back.</summary>
public sealed record IncidentDocument(
    string BadTag,
    string? GoodTag,
    DateTimeOffset DetectedAt,
    DateTimeOffset? StableSince,
    DateTimeOffset? StabilizationDeadline,
    WriteBackDocument? WriteBack,
    IReadOnlyList<IncidentServiceDocument> Services)
{
    public static IncidentDocument From(RollbackIncident incident, TimeSpan stabilization) =>
        new(incident.BadTag, incident.GoodTag, incident.DetectedAt, incident.StableSince, incident.StabilizationDeadline(stabilization),
            incident.WriteBack is { } w ? new WriteBackDocument(w.Kind.Spell(), w.Reference, w.At) : null,
            incident.Services.Select(x => new IncidentServiceDocument(x.Name, x.FromImage, x.ToImage, x.RollbackStartedAt, x.RollbackCompletedAt)).ToList());
}

/// <summary>A commit sha or pull request URL, or why nothing was written.</summary>
public sealed record WriteBackDocument(string Kind, string Reference, DateTimeOffset At);

public sealed record IncidentServiceDocument(string Name, string? FromImage, string? ToImage, DateTimeOffset? RollbackStartedAt, DateTimeOffset? RollbackCompletedAt);

public sealed record DesiredDocument(string ImageTag, string? Revision);

public sealed record AppliedDocument(string? ImageTag);

public sealed record ServiceDocument(
    string Name,
    string Repository,
    string? LiveImage,
    string? LiveDigest,
    string? LiveTag,
    string? ExpectedDigest,
    string Drift,
    string? UpdateState,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool ObserveOnly)
{
    public static ServiceDocument From(ServiceEvaluation s) =>
        new(s.Name, s.Repository, s.LiveImage, s.LiveDigest, s.LiveTag, s.ExpectedDigest, s.Drift.Spell(), s.UpdateStateText, s.ObserveOnly);
}

public sealed record LastReconcileDocument(DateTimeOffset At, string Trigger, string Outcome, string Message);
