using System.Collections.Concurrent;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Docker;

/// <summary>
/// Remembers, per service and rollback start time, whether a rollback was manual or automatic. Swarm says so
/// only while the rollback runs ("manually requested rollback" vs "update rolled back due to failure…"); once
/// complete, both read "rollback completed".
/// </summary>
public sealed class RollbackOriginMemory
{
    private readonly ConcurrentDictionary<(string ServiceId, DateTimeOffset? StartedAt), RollbackOrigin> _origins = new();

    public RollbackOrigin Recall(string serviceId, DateTimeOffset? startedAt, string? message)
    {
        var fromMessage = LiveUpdateStatus.OriginFromMessage(message);
        if (fromMessage != RollbackOrigin.Unknown)
        {
            _origins[(serviceId, startedAt)] = fromMessage;
            return fromMessage;
        }
        return _origins.GetValueOrDefault((serviceId, startedAt), RollbackOrigin.Unknown);
    }

    /// <summary>Records an origin learnt another way (the event stream, the task history).</summary>
    public void Remember(string serviceId, DateTimeOffset? startedAt, RollbackOrigin origin)
    {
        if (origin != RollbackOrigin.Unknown) _origins[(serviceId, startedAt)] = origin;
    }

    /// <summary>Forgets every service <paramref name="gone"/> says no longer exists.</summary>
    public void Forget(Func<string, bool> gone)
    {
        foreach (var key in _origins.Keys.Where(key => gone(key.ServiceId)).ToList()) _origins.TryRemove(key, out _);
    }
}
