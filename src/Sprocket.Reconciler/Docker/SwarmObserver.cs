using Docker.DotNet;
using Docker.DotNet.Models;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Docker;

/// <summary>Lists services with their task counts (<c>status=true</c>) in a single Engine API call.</summary>
public sealed class SwarmObserver(IDockerClient docker, RollbackOriginMemory origins) : ISwarmObserver
{
    public async Task<IReadOnlyList<LiveService>> ListServicesAsync(CancellationToken cancellationToken)
    {
        var services = await docker.Swarm.ListServicesAsync(new ServiceListParameters { Status = true }, cancellationToken);
        var live = new List<LiveService>(services.Count());
        foreach (var service in services)
        {
            if (SwarmServiceMapper.Map(service, origins) is { } mapped) live.Add(mapped);
        }
        return live;
    }
}
