using System.Threading.Channels;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The loop's inbox. Unbounded but coalesced by the reader: a burst of Swarm events costs one pass.
/// </summary>
public sealed class LoopInbox
{
    private readonly Channel<LoopMessage> _channel =
        Channel.CreateUnbounded<LoopMessage>(new UnboundedChannelOptions { SingleReader = true });

    public void Post(LoopMessage message) => _channel.Writer.TryWrite(message);

    /// <summary>Waits for at least one message, then takes every message already waiting.</summary>
    public async Task<IReadOnlyList<LoopMessage>> TakeBatchAsync(CancellationToken cancellationToken)
    {
        var first = await _channel.Reader.ReadAsync(cancellationToken);
        var batch = new List<LoopMessage> { first };
        while (_channel.Reader.TryRead(out var next)) batch.Add(next);
        return batch;
    }

    /// <summary>Every message waiting now, without waiting for more.</summary>
    public IReadOnlyList<LoopMessage> TakeWaiting()
    {
        var batch = new List<LoopMessage>();
        while (_channel.Reader.TryRead(out var next)) batch.Add(next);
        return batch;
    }
}
