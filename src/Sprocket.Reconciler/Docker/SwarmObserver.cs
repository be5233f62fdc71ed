using Docker.DotNet;
using Docker.DotNet.Models;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Docker;

/// <summary>
/// Lists services with their task counts (<c>status=true</c>) in a single Engine API call, plus one task listing
/// when Swarm has paused or rolled back any update: the failed task's error is the only place that says why.
/// </summary>
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
        return await WithTaskErrorsAsync(live, cancellationToken);
    }

    private async Task<IReadOnlyList<LiveService>> WithTaskErrorsAsync(List<LiveService> live, CancellationToken cancellationToken)
    {
        var gaveUp = live.Where(service => service.UpdateStatus is { GaveUp: true }).Select(service => service.Id).ToList();
        if (gaveUp.Count == 0) return live;

        // Several values of one filter match any of them: one call for every such service.
        IList<TaskResponse> tasks;
        try
        {
            tasks = await docker.Tasks.ListAsync(
                new TasksListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["service"] = gaveUp.ToDictionary(id => id, _ => true, StringComparer.Ordinal),
                    },
                },
                cancellationToken);
        }
        catch (Exception exception) when (DockerErrors.IsNotFound(exception))
        {
            // The engine refuses the whole filter when one of its services was removed since the listing. The task
            // errors only explain a paused or rolled-back update; without them this observation is still true, and
            // the removal's own event brings the next one.
            return live;
        }
        var byService = tasks.ToLookup(task => task.ServiceID, StringComparer.Ordinal);
        return [.. live.Select(service => service.UpdateStatus is { GaveUp: true } status
            ? service with { TaskError = TaskErrors.NewestSince(byService[service.Id], status.StartedAt) }
            : service)];
    }
}
