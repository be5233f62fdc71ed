using Docker.DotNet;
using Docker.DotNet.Models;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>A service the apply waits for.</summary>
internal sealed record ConvergenceTarget(PinnedImage Image, string ServiceId, bool UpdatedByUs);

/// <summary>
/// Polls the services of one apply together (inspect + task list each round) until every one reached a final
/// phase or the deadline passed; a service still <see cref="ConvergencePhase.Pending"/> in the answer timed out.
/// </summary>
internal sealed class ConvergenceWaiter(IDockerClient docker, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<ConvergenceTarget, ConvergenceState>> WaitAsync(
        IReadOnlyList<ConvergenceTarget> targets,
        TimeSpan timeout,
        TimeSpan pollInterval,
        Action<ConvergenceTarget, ConvergenceState> changed,
        CancellationToken cancellationToken)
    {
        var states = new Dictionary<ConvergenceTarget, ConvergenceState>();
        var started = time.GetTimestamp();
        while (true)
        {
            foreach (var target in targets)
            {
                if (states.TryGetValue(target, out var known) && known.IsFinal) continue;
                var state = await LookAsync(target, cancellationToken);
                if (known != state) changed(target, state);
                states[target] = state;
            }

            if (states.Values.All(state => state.IsFinal)) return states;

            var remaining = timeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero) return states;
            await Task.Delay(remaining < pollInterval ? remaining : pollInterval, time, cancellationToken);
        }
    }

    private async Task<ConvergenceState> LookAsync(ConvergenceTarget target, CancellationToken cancellationToken)
    {
        SwarmService service;
        try
        {
            service = await docker.Swarm.InspectServiceAsync(target.ServiceId, cancellationToken);
        }
        catch (Exception exception) when (DockerErrors.IsNotFound(exception))
        {
            return ConvergenceState.Gone;
        }

        var tasks = await docker.Tasks.ListAsync(
            new TasksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["service"] = new Dictionary<string, bool> { [target.ServiceId] = true },
                },
            },
            cancellationToken);
        return ConvergenceCheck.Evaluate(service, [.. tasks], target.Image, target.UpdatedByUs);
    }
}
