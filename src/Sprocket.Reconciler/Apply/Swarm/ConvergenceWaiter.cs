using Docker.DotNet;
using Docker.DotNet.Models;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>A service the apply waits for.</summary>
internal sealed record ConvergenceTarget(PinnedImage Image, string ServiceId, bool UpdatedByUs);

/// <summary>
/// Polls the services of one apply together (inspect + task list each round) until every one reached a final
/// phase or the deadline passed; a service still <see cref="ConvergencePhase.Pending"/> in the answer timed out.
/// A look the engine cannot answer (restarting, no Raft leader for a moment) is no verdict: the update already sent is
/// Swarm's to finish, so the waiter keeps looking until the deadline. Failing the apply there would record a failure
/// for an update that then completes, and count it toward the stack's circuit.
/// </summary>
internal sealed class ConvergenceWaiter(IDockerClient docker, TimeProvider time)
{
    public async Task<IReadOnlyDictionary<ConvergenceTarget, ConvergenceState>> WaitAsync(
        IReadOnlyList<ConvergenceTarget> targets,
        TimeSpan timeout,
        TimeSpan pollInterval,
        Action<ConvergenceTarget, ConvergenceState> changed,
        Action<ConvergenceTarget, Exception> unanswered,
        CancellationToken cancellationToken)
    {
        var states = new Dictionary<ConvergenceTarget, ConvergenceState>();
        // Told once per outage, not on every look of it.
        var notAnswering = new HashSet<ConvergenceTarget>();
        var started = time.GetTimestamp();
        while (true)
        {
            foreach (var target in targets)
            {
                if (states.TryGetValue(target, out var known) && known.IsFinal) continue;
                ConvergenceState state;
                try
                {
                    state = await LookAsync(target, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (notAnswering.Add(target)) unanswered(target, exception);
                    states.TryAdd(target, ConvergenceState.Unanswered);
                    continue;
                }
                notAnswering.Remove(target);
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
