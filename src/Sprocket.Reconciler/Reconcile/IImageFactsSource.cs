using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>Gathers, before a pure evaluation, what the registry and the ledger know about the images involved.</summary>
public interface IImageFactsSource
{
    Task<IImageFacts> GatherAsync(DesiredState desired, IReadOnlyList<LiveService> live, CancellationToken cancellationToken);
}
