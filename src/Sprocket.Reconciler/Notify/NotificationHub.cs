using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Notify;

/// <summary>
/// The stream of reconcile records. <see cref="Publish"/> only offers the record to each notifier's bounded queue,
/// so the loop never waits for GitHub, Grafana or Gatus; a full queue drops its oldest record (counted and logged).
/// As a hosted service it runs one reader per notifier, so a stalled endpoint delays no other notifier. A failed
/// send is logged and counted, never retried: the next record about the stack supersedes it.
/// </summary>
public sealed partial class NotificationHub : BackgroundService, INotificationPublisher
{
    private readonly IReadOnlyList<NotifierQueue> _queues;
    private readonly NotificationMetrics _metrics;
    private readonly ILogger<NotificationHub> _logger;

    public NotificationHub(
        IEnumerable<INotifier> notifiers,
        IOptions<NotificationOptions> options,
        NotificationMetrics metrics,
        ILogger<NotificationHub> logger)
    {
        _metrics = metrics;
        _logger = logger;
        var capacity = options.Value.QueueCapacity;
        _queues = notifiers.Select(notifier => new NotifierQueue(notifier, capacity, OnDropped)).ToArray();
    }

    /// <summary>Names of the notifiers that receive records (the configured ones).</summary>
    public IReadOnlyList<string> Notifiers => _queues.Select(q => q.Notifier.Name).ToArray();

    public void Publish(ReconcileNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        foreach (var queue in _queues)
        {
            try
            {
                if (queue.Notifier.Accepts(notification))
                {
                    // Never false for a DropOldest channel, except after shutdown, when nobody would send it anyway.
                    queue.Channel.Writer.TryWrite(notification);
                }
            }
            catch (Exception exception)
            {
                // A notifier's bug must not reach the loop that published.
                Log.PublishFailed(_logger, queue.Notifier.Name, notification.Kind, notification.Stack, exception.GetType().Name);
            }
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // As the host starts, not in the constructor: a measurement made before the metrics exporter listens is lost.
        _metrics.Started(Notifiers);
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select(queue => Task.Run(() => ReadAsync(queue, stoppingToken), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues) queue.Channel.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task ReadAsync(NotifierQueue queue, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in queue.Channel.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(queue.Notifier, notification, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: records still queued are dropped with the process.
        }
    }

    private async Task DeliverAsync(INotifier notifier, ReconcileNotification notification, CancellationToken stoppingToken)
    {
        try
        {
            await notifier.SendAsync(notification, stoppingToken);
            _metrics.Sent(notifier.Name, notification.Kind);
            Log.Sent(_logger, notifier.Name, notification.Kind, notification.Stack);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            // Only the type and the redacted message: the exception object (inner exceptions, request data) could
            // carry what Redact does not know about. Logged before it is counted, so whoever sees the count can
            // already find the line.
            Log.SendFailed(_logger, notifier.Name, notification.Kind, notification.Stack, exception.GetType().Name,
                notifier.Redact(exception.Message));
            _metrics.Failed(notifier.Name, notification.Kind);
        }
    }

    private void OnDropped(INotifier notifier, ReconcileNotification dropped)
    {
        _metrics.Dropped(notifier.Name, dropped.Kind);
        Log.Dropped(_logger, notifier.Name, dropped.Kind, dropped.Stack);
    }

    private sealed class NotifierQueue
    {
        public NotifierQueue(INotifier notifier, int capacity, Action<INotifier, ReconcileNotification> dropped)
        {
            Notifier = notifier;
            Channel = System.Threading.Channels.Channel.CreateBounded<ReconcileNotification>(
                new BoundedChannelOptions(capacity)
                {
                    FullMode = BoundedChannelFullMode.DropOldest,
                    SingleReader = true,
                    SingleWriter = false,
                    AllowSynchronousContinuations = false,
                },
                item => dropped(notifier, item));
        }

        public INotifier Notifier { get; }

        public Channel<ReconcileNotification> Channel { get; }
    }
}
