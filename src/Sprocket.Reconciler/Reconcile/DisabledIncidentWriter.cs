using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>Stands in until a write-back is configured: every attempt fails with a message saying so.</summary>
public sealed class DisabledIncidentWriter : IIncidentWriter
{
    public Task<IncidentWriteOutcome> WriteAsync(DesiredSnapshot desired, StackSpec stack, RollbackIncident incident, CancellationToken cancellationToken) =>
        Task.FromResult(new IncidentWriteOutcome(null, "no write-back is configured in this daemon"));
}
