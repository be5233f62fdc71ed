using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>Turns a stable incident into a write-back request per the stack's <c>writeBack</c>, and its result into
/// what the policy records: a commit sha or pull-request URL, "superseded" when a human changed the branch, or a failure.</summary>
public sealed class IncidentWriter(IWriteBack writeBack, TimeProvider time) : IIncidentWriter
{
    public async Task<IncidentWriteOutcome> WriteAsync(DesiredSnapshot desired, StackSpec stack, RollbackIncident incident, CancellationToken cancellationToken)
    {
        if (incident.GoodTag is not { } good)
            return new IncidentWriteOutcome(null, "the live tag is not known; nothing to write");

        var services = incident.Services
            .Select(s => new RolledBackService(s.Name, RepositoryOf(stack, s), DigestOf(s.FromImage), s.ToDigest))
            .ToImmutableArray();
        var request = new WriteBackRequest(stack.Name, stack.Policy.WriteBack, incident.BadTag, good, services,
            incident.Services.Min(s => s.RollbackStartedAt), incident.Services.Max(s => s.RollbackCompletedAt),
            stack.Policy.Stabilization, desired.Revision);

        var result = await writeBack.WriteAsync(request, cancellationToken);
        var now = time.GetUtcNow();
        return result switch
        {
            WriteBackResult.Committed c => new(new WriteBackRecord(WriteBackKind.Commit, c.Sha, now), $"committed {c.Sha} on {c.Branch}"),
            WriteBackResult.PullRequestReady pr => new(new WriteBackRecord(WriteBackKind.PullRequest, pr.Url, now), $"pull request #{pr.Number} {pr.Action.ToString().ToLowerInvariant()}: {pr.Url}"),
            WriteBackResult.NothingToDo n => new(new WriteBackRecord(WriteBackKind.NothingToDo, n.Reason, now), n.Reason),
            WriteBackResult.Superseded s => new(new WriteBackRecord(WriteBackKind.Superseded, s.Revision, now), $"a human set {s.TagInGit} meanwhile ({s.Revision}); nothing written"),
            WriteBackResult.Failed f => new(null, f.Message),
            _ => new(null, "unexpected write-back result"),
        };
    }

    private static string RepositoryOf(StackSpec stack, IncidentService service) =>
        service.ToImage is { } image && Core.Images.ImageReferenceParser.TryParse(image, out var parsed) ? parsed.Repository
        : stack.Services.FirstOrDefault()?.Repository ?? "";

    private static string? DigestOf(string? image) =>
        image is not null && Core.Images.ImageReferenceParser.TryParse(image, out var parsed) ? parsed.Digest : null;
}
