using Docker.DotNet;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Docker;

/// <summary>
/// Re-checks continuously whether the engine we talk to is the Raft leader: its node id
/// (<c>/info</c> Swarm.NodeID) against the node whose ManagerStatus says Leader. Anything uncertain — engine
/// unreachable, not a manager, no leader — means standby: acting twice is worse than acting late.
/// </summary>
public sealed partial class SwarmLeadership(
    IDockerClient docker,
    IOptions<DockerOptions> options,
    LoopInbox inbox,
    TimeProvider time,
    ILogger<SwarmLeadership> logger) : BackgroundService, ILeadership
{
    private volatile bool _isLeader;

    public bool IsLeader => _isLeader;

    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        bool leader;
        try
        {
            var info = await docker.System.GetSystemInfoAsync(cancellationToken);
            var nodeId = info.Swarm?.NodeID;
            if (string.IsNullOrEmpty(nodeId) || info.Swarm?.ControlAvailable != true)
            {
                leader = false;
            }
            else
            {
                var nodes = await docker.Swarm.ListNodesAsync(cancellationToken);
                leader = nodes.Any(n => n.ID == nodeId && n.ManagerStatus?.Leader == true);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCheckFailed(logger, ex.Message);
            leader = false;
        }

        if (leader != _isLeader)
        {
            _isLeader = leader;
            LogRoleChanged(logger, leader ? "leader" : "standby");
            // A new leader must look at every stack at once rather than wait for the next poll.
            inbox.Post(new EvaluationRequest(ReconcileTrigger.Resync));
        }
        return leader;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await CheckAsync(stoppingToken);
            await Task.Delay(options.Value.LeaderCheckInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "This instance is now {Role}")]
    private static partial void LogRoleChanged(ILogger logger, string role);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Leader check failed; acting as standby: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
