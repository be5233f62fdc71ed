using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>Writes a stable emergency rollback's live tag back to git, per the stack's <c>writeBack</c>.</summary>
public interface IIncidentWriter
{
    Task<IncidentWriteOutcome> WriteAsync(DesiredSnapshot desired, StackSpec stack, RollbackIncident incident, CancellationToken cancellationToken);
}

/// <summary><paramref name="Record"/> null means the write-back failed (retried with backoff); otherwise what it produced.</summary>
public sealed record IncidentWriteOutcome(WriteBackRecord? Record, string Message);
