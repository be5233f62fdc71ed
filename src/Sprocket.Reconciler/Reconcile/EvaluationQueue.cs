using System.Threading.Channels;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The loop's inbox. Unbounded but coalesced by the reader: a burst of Swarm events costs one evaluation.
/// </summary>
public sealed class EvaluationQueue
{
    private readonly Channel<EvaluationRequest> _channel =
        Channel.CreateUnbounded<EvaluationRequest>(new UnboundedChannelOptions { SingleReader = true });

    public void Request(EvaluationRequest request) => _channel.Writer.TryWrite(request);

    /// <summary>Waits for at least one request, then takes every request already waiting.</summary>
    public async Task<IReadOnlyList<EvaluationRequest>> TakeBatchAsync(CancellationToken cancellationToken)
    {
        var first = await _channel.Reader.ReadAsync(cancellationToken);
        var batch = new List<EvaluationRequest> { first };
        while (_channel.Reader.TryRead(out var next)) batch.Add(next);
        return batch;
    }
}
