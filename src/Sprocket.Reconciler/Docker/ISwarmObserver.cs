using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Docker;

/// <summary>Reads the live Swarm: one service listing per call, whatever the number of services.</summary>
public interface ISwarmObserver
{
    Task<IReadOnlyList<LiveService>> ListServicesAsync(CancellationToken cancellationToken);
}
