using Docker.DotNet;
using Docker.DotNet.Models;
using Sprocket.PulumiStandin.Engine;

namespace Sprocket.PulumiStandin.Swarm;

/// <summary>
/// What Pulumi's docker provider does to a Swarm service, through the Engine API (1.41): create, update the
/// image with the spec's current version index, and wait until the update converges or Swarm gives up on it.
/// </summary>
public sealed class SwarmServices(IDockerClient docker, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static SwarmServices FromEnvironment(TimeProvider clock)
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } configured ? configured : "unix:///var/run/docker.sock";
        var client = new DockerClientBuilder().WithEndpoint(new Uri(host)).WithApiVersion(new System.Version(1, 41)).Build();
        return new SwarmServices(client, clock);
    }

    public async Task<SwarmService?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.Swarm.InspectServiceAsync(idOrName, cancellationToken);
        }
        catch (DockerApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the service with one replica and a 1 s stop grace period (test images ignore SIGTERM).</summary>
    public async Task<string> CreateAsync(DesiredService desired, string image, CancellationToken cancellationToken)
    {
        var spec = new ServiceSpec
        {
            Name = desired.ServiceName,
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec { Image = image, StopGracePeriod = TimeSpan.FromSeconds(1) },
            },
            Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = desired.Replicas } },
        };
        ApplyUpdateConfig(spec, desired);
        var response = await docker.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = spec }, cancellationToken);
        return response.ID ?? throw new InvalidOperationException($"the engine created service {desired.ServiceName} without returning its id");
    }

    public async Task UpdateImageAsync(SwarmService service, DesiredService desired, string image, CancellationToken cancellationToken)
    {
        var spec = service.Spec ?? throw new InvalidOperationException($"service {service.ID} has no spec");
        spec.TaskTemplate!.ContainerSpec!.Image = image;
        ApplyUpdateConfig(spec, desired);
        await docker.Swarm.UpdateServiceAsync(
            service.ID, new ServiceUpdateParameters { Service = spec, Version = (long)service.Version!.Index!.Value }, cancellationToken);
    }

    /// <summary>
    /// Waits for the update that started after <paramref name="previousUpdateStart"/> (or, for a new service,
    /// for its tasks) to converge. Fails when Swarm pauses or rolls the update back, or after the timeout.
    /// </summary>
    public async Task<Convergence> WaitAsync(
        string serviceId, string image, ulong replicas, DateTime? previousUpdateStart, bool created, TimeSpan timeout)
    {
        var started = clock.GetTimestamp();
        var last = "no update status yet";
        while (clock.GetElapsedTime(started) < timeout)
        {
            var service = await FindAsync(serviceId, CancellationToken.None);
            if (service is null) return Convergence.Failed($"service {serviceId} was removed while it was being updated");

            var status = service.UpdateStatus;
            var ourUpdate = !created && status is not null && status.StartedAt != previousUpdateStart;
            if (ourUpdate)
            {
                last = Describe(status)!;
                switch (status!.State)
                {
                    case "rollback_started":
                    case "rollback_paused":
                    case "rollback_completed":
                        return Convergence.Failed($"service {service.Spec?.Name} update was rolled back by Swarm ({last})");
                    case "paused":
                        return Convergence.Failed($"service {service.Spec?.Name} update failed and was paused by Swarm ({last})");
                }
            }

            // Swarm swaps the spec back a moment before it reports rollback_started: give it the next poll.
            var rollbackUnderWay = ourUpdate && status!.State == "updating";
            if (service.Spec?.TaskTemplate?.ContainerSpec?.Image != image && !rollbackUnderWay)
            {
                return Convergence.Failed(
                    $"service {service.Spec?.Name} no longer runs {image}: its spec now says {service.Spec?.TaskTemplate?.ContainerSpec?.Image}");
            }

            if (ourUpdate && status!.State == "completed" && (ulong)await RunningTasksAsync(serviceId, image) >= replicas)
            {
                return Convergence.Done;
            }
            if (created)
            {
                if ((ulong)await RunningTasksAsync(serviceId, image) >= replicas) return Convergence.Done;
                if (await FailedTaskErrorAsync(serviceId, image) is { } error)
                {
                    return Convergence.Failed($"service {service.Spec?.Name} failed to start: task: {error}");
                }
            }

            await Task.Delay(PollInterval, clock);
        }

        return Convergence.Failed($"timed out after {timeout.TotalSeconds:0} s waiting for service {serviceId} to converge ({last})");
    }

    public void Dispose() => docker.Dispose();

    private async Task<int> RunningTasksAsync(string serviceId, string image)
    {
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["service"] = new Dictionary<string, bool> { [serviceId] = true },
                ["desired-state"] = new Dictionary<string, bool> { ["running"] = true },
            },
        });
        return tasks.Count(task => task.Status?.State == TaskState.Running && task.Spec?.ContainerSpec?.Image == image);
    }

    /// <summary>A new service whose task already failed will not converge: say why instead of waiting for the timeout.</summary>
    private async Task<string?> FailedTaskErrorAsync(string serviceId, string image)
    {
        var tasks = await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } },
        });
        return tasks.Where(task => task.Spec?.ContainerSpec?.Image == image && task.Status?.State is TaskState.Failed or TaskState.Rejected)
            .Select(task => task.Status!.Err ?? task.Status.Message)
            .FirstOrDefault();
    }

    private static void ApplyUpdateConfig(ServiceSpec spec, DesiredService desired)
    {
        if (desired.FailureAction is null && desired.Monitor is null) return;
        spec.UpdateConfig ??= new SwarmUpdateConfig { Parallelism = 1 };
        if (desired.FailureAction is { } action) spec.UpdateConfig.FailureAction = action;
        if (desired.Monitor is { } monitor) spec.UpdateConfig.Monitor = monitor;
    }

    private static string? Describe(UpdateStatus? status) => status is null ? null : $"{status.State}: {status.Message}";
}
