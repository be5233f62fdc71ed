using System.Collections.Concurrent;
using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>Takes everything and remembers it, in order.</summary>
internal sealed class RecordingNotifier(string name) : INotifier
{
    private readonly ConcurrentQueue<ReconcileNotification> _received = new();

    public string Name => name;

    public IReadOnlyList<ReconcileNotification> Received => _received.ToArray();

    public bool Accepts(ReconcileNotification notification) => true;

    public Task SendAsync(ReconcileNotification notification, CancellationToken cancellationToken)
    {
        _received.Enqueue(notification);
        return Task.CompletedTask;
    }

    public string Redact(string text) => text;
}

/// <summary>Sends nothing until <see cref="Release"/>: a stand-in for an endpoint that hangs.</summary>
internal sealed class GatedNotifier(string name) : INotifier
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<ReconcileNotification> _started = new();
    private readonly ConcurrentQueue<ReconcileNotification> _sent = new();

    public string Name => name;

    public IReadOnlyList<ReconcileNotification> Started => _started.ToArray();

    public IReadOnlyList<ReconcileNotification> Sent => _sent.ToArray();

    public bool Accepts(ReconcileNotification notification) => true;

    public async Task SendAsync(ReconcileNotification notification, CancellationToken cancellationToken)
    {
        _started.Enqueue(notification);
        await _gate.Task.WaitAsync(cancellationToken);
        _sent.Enqueue(notification);
    }

    public void Release() => _gate.TrySetResult();

    public string Redact(string text) => text;
}

/// <summary>A notifier with a bug in <see cref="Accepts"/>.</summary>
internal sealed class ThrowingNotifier : INotifier
{
    public string Name => "throwing";

    public bool Accepts(ReconcileNotification notification) => throw new InvalidOperationException("bug");

    public Task SendAsync(ReconcileNotification notification, CancellationToken cancellationToken) => Task.CompletedTask;

    public string Redact(string text) => text;
}
