using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Docker;

/// <summary>
/// Follows the engine's service events and asks for an evaluation at once, so a rollback is seen in about a
/// second instead of at the next poll. When the engine goes away it reconnects with backoff and asks for a
/// full resync, because events sent while disconnected are lost. Losing the stream asks for an evaluation too: it
/// finds the engine unreachable and says so (<c>/readyz</c>, the status, the engine gauge) at once rather than at the
/// next poll.
/// </summary>
public sealed partial class SwarmEventWatcher(
    IDockerClient docker,
    LoopInbox inbox,
    IOptions<DockerOptions> options,
    TimeProvider time,
    ILogger<SwarmEventWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromSeconds(1);

    // Asking the engine to replay from a little before the last event we saw closes the gap between a
    // subscription being requested and being in place; a duplicate event costs one cheap evaluation.
    private static readonly TimeSpan ReplayMargin = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstReconnectDelay;
        var connectedBefore = false;
        var following = false;
        var forward = new ForwardToQueue(inbox, logger, time.GetUtcNow());
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var since = forward.LastEventTime - ReplayMargin;
                var parameters = new ContainerEventsParameters
                {
                    Since = (since.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", System.Globalization.CultureInfo.InvariantCulture),
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["type"] = new Dictionary<string, bool> { ["service"] = true } },
                };
                var watch = docker.System.MonitorEventsAsync(parameters, forward, stoppingToken);
                // The call only returns when the stream ends; a ping proves the engine answers before we ask for
                // the evaluation that covers whatever happened before (or while) we were not subscribed.
                await docker.System.PingAsync(stoppingToken);
                LogSubscribed(logger, connectedBefore);
                inbox.Post(new EvaluationRequest(connectedBefore ? ReconcileTrigger.Resync : ReconcileTrigger.Startup));
                connectedBefore = true;
                following = true;
                delay = FirstReconnectDelay;
                await watch;
                LogStreamEnded(logger);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogStreamFailed(logger, delay, ex.Message);
                connectedBefore = true;
            }

            if (following)
            {
                // A plain evaluation finds the engine gone and says so; the full resync (which re-reads each Pulumi
                // stack's history) waits for the reconnect, when there is something to read again.
                following = false;
                inbox.Post(new EvaluationRequest(ReconcileTrigger.Event));
            }

            await Task.Delay(delay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxReconnectDelay.Ticks));
        }
    }

    /// <summary>Forwards synchronously: <see cref="Progress{T}"/> would post to the thread pool and lose ordering.</summary>
    private sealed class ForwardToQueue(LoopInbox inbox, ILogger logger, DateTimeOffset startedAt) : IProgress<Message>
    {
        public DateTimeOffset LastEventTime { get; private set; } = startedAt;

        public void Report(Message value)
        {
            LogServiceEvent(logger, value.Action ?? "", Attribute(value, "name") ?? value.Actor?.ID ?? "", Attribute(value, "updatestate.new") ?? "");
            DateTimeOffset? eventTime = value.TimeNano is > 0 ? DateTimeOffset.UnixEpoch.AddTicks(value.TimeNano.Value / 100) : null;
            if (eventTime > LastEventTime) LastEventTime = eventTime.Value;
            inbox.Post(new EvaluationRequest(ReconcileTrigger.Event, value.Actor?.ID, eventTime));
        }
    }

    private static string? Attribute(Message message, string key) =>
        message.Actor?.Attributes is { } attributes && attributes.TryGetValue(key, out var value) ? value : null;

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Following Swarm service events (reconnected: {Reconnected})")]
    private static partial void LogSubscribed(ILogger logger, bool reconnected);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Swarm event stream ended; reconnecting")]
    private static partial void LogStreamEnded(ILogger logger);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Swarm event stream failed; retrying in {Delay}: {Reason}")]
    private static partial void LogStreamFailed(ILogger logger, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Swarm service event {Action} on {Service} (update state {UpdateState})")]
    private static partial void LogServiceEvent(ILogger logger, string action, string service, string updateState);
}
