using Docker.DotNet;
using Docker.DotNet.Models;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>A service the apply waits for.</summary>
internal sealed record ConvergenceTarget(PinnedImage Image, string ServiceId, bool UpdatedByUs);

/// <summary>
/// Polls the services of one apply together (inspect + task list each round) until every one reached a final
/// phase or the deadline passed; a service still <see cref="ConvergencePhase.Pending"/> in the answer timed out.
/// A look the engine cannot answer (restarting, no Raft leader for a moment: a transport failure, a timeout or a 5xx) is
/// no verdict: the update already sent is Swarm's to finish, so the waiter keeps looking until the deadline. Failing the
/// apply there would record a failure for an update that then completes, and count it toward the stack's circuit. Any
/// other error (a 4xx, a bug) is an answer: it ends that service's wait as <see cref="ConvergencePhase.LookFailed"/>.
/// Each look is bounded by the time left, so one hung call cannot outlast the timeout.
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
                var left = timeout - time.GetElapsedTime(started);
                using var lookDeadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, time);
                using var look = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lookDeadline.Token);
                ConvergenceState state;
                try
                {
                    state = await LookAsync(target, look.Token);
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested && ConvergenceLookErrors.IsNoAnswer(exception))
                {
                    if (notAnswering.Add(target)) unanswered(target, exception);
                    var error = exception is OperationCanceledException ? $"no answer within {left}" : DockerErrors.Describe(exception);
                    states[target] = (known ?? ConvergenceState.Unanswered) with { LastLookError = error };
                    continue;
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    state = ConvergenceState.LookFailedWith(DockerErrors.Describe(exception));
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
