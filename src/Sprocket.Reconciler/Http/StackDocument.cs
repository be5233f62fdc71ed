using System.Text.Json.Serialization;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Http;

/// <summary>The stack JSON of DESIGN §5 (a contract: on-call tooling and the status page read it).</summary>
public sealed record StackDocument(
    string Name,
    string Engine,
    string Status,
    string Message,
    DesiredDocument Desired,
    AppliedDocument Applied,
    IReadOnlyList<ServiceDocument> Services,
    LastReconcileDocument? LastReconcile,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HoldDocument? Hold = null)
{
    /// <summary>The observed verdict, overridden by what the acting side concluded (held, applying, failed).</summary>
    public static StackDocument From(StackEvaluation evaluation, ReconcilerStatus status)
    {
        var evaluated = status.Evaluated ?? status.Desired;
        var spec = evaluated?.State.FindStack(evaluation.Stack);
        var control = status.ControlOf(evaluation.Stack);
        var verdict = control?.Message ?? evaluation.Message;
        var message = status.DesiredProblem is { } problem
            ? $"{verdict} | desired state {problem.Kind}: {problem.Message} (revision {Short(status.Desired?.Revision)} stays in force)"
            : verdict;
        var last = control?.LastReconcile is { } record
            ? new LastReconcileDocument(record.At, record.Trigger, record.Outcome, record.Message)
            : status.Last is { } observed ? new LastReconcileDocument(observed.At, observed.Trigger, observed.Outcome, observed.Message) : null;
        return new StackDocument(
            evaluation.Stack,
            spec?.Engine == StackEngine.Pulumi ? "pulumi" : "swarm",
            control?.Status ?? evaluation.Status,
            message,
            new DesiredDocument(evaluation.DesiredTag, evaluated?.Revision),
            new AppliedDocument(evaluation.AppliedTag),
            evaluation.Services.Select(ServiceDocument.From).ToList(),
            last,
            control?.State.Hold is { } hold ? new HoldDocument(hold.Reason, hold.Message, hold.Since, hold.Manual) : null);
    }

    private static string Short(string? revision) => revision is { Length: > 12 } ? revision[..12] : revision ?? "none";
}

/// <summary>Why the stack is held and since when (absent when not held).</summary>
public sealed record HoldDocument(string Reason, string Message, DateTimeOffset Since, bool Manual);

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
        new(s.Name, s.Repository, s.LiveImage, s.LiveDigest, s.LiveTag, s.ExpectedDigest, s.Drift, s.UpdateState, s.ObserveOnly);
}

public sealed record LastReconcileDocument(DateTimeOffset At, string Trigger, string Outcome, string Message);
