using Docker.DotNet;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Docker;

/// <summary>
/// Re-checks continuously whether the engine we talk to is the Raft leader: its node id (<c>/info</c> Swarm.NodeID,
/// read once) inspected for ManagerStatus.Leader. Anything uncertain — engine
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
    private string? _nodeId;

    public bool IsLeader => _isLeader;

    public async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        bool leader;
        try
        {
            // The node id is read from /info once (a large document) and then only the node itself is inspected (a small
            // one): this check runs every few seconds for the daemon's whole life, and /info plus a node listing was
            // half of its idle CPU.
            _nodeId ??= await ManagerNodeIdAsync(cancellationToken);
            if (_nodeId is null)
            {
                leader = false;
            }
            else
            {
                var node = await docker.Swarm.InspectNodeAsync(_nodeId, cancellationToken);
                leader = node.ManagerStatus?.Leader == true;
                // Demoted to a worker: ask /info again next time, the node may be promoted (or rejoin under another id).
                if (node.ManagerStatus is null) _nodeId = null;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCheckFailed(logger, ex.Message);
            leader = false;
            // The node may have left the Swarm, or the engine restarted: start again from /info.
            _nodeId = null;
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

    /// <summary>This engine's node id when it is a Swarm manager; null otherwise (not in a Swarm, or a worker).</summary>
    private async Task<string?> ManagerNodeIdAsync(CancellationToken cancellationToken)
    {
        var info = await docker.System.GetSystemInfoAsync(cancellationToken);
        var nodeId = info.Swarm?.NodeID;
        return string.IsNullOrEmpty(nodeId) || info.Swarm?.ControlAvailable != true ? null : nodeId;
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
