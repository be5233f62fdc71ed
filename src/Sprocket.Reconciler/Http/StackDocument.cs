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
    LastReconcileDocument? LastReconcile)
{
    public static StackDocument From(StackEvaluation evaluation, ReconcilerStatus status)
    {
        var evaluated = status.Evaluated ?? status.Desired;
        var spec = evaluated?.State.FindStack(evaluation.Stack);
        var message = status.DesiredProblem is { } problem
            ? $"{evaluation.Message} | desired state {problem.Kind}: {problem.Message} (revision {Short(status.Desired?.Revision)} stays in force)"
            : evaluation.Message;
        return new StackDocument(
            evaluation.Stack,
            spec?.Engine == StackEngine.Pulumi ? "pulumi" : "swarm",
            evaluation.Status,
            message,
            new DesiredDocument(evaluation.DesiredTag, evaluated?.Revision),
            new AppliedDocument(evaluation.AppliedTag),
            evaluation.Services.Select(ServiceDocument.From).ToList(),
            status.Last is { } last ? new LastReconcileDocument(last.At, last.Trigger, last.Outcome, last.Message) : null);
    }

    private static string Short(string? revision) => revision is { Length: > 12 } ? revision[..12] : revision ?? "none";
}

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
