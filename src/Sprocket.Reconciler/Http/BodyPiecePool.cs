using System.Collections.Concurrent;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// The 64 KB pieces webhook bodies are kept in, reused from one delivery to the next. A piece given back is kept
/// for reuse while fewer than <see cref="MaxFreeBytes"/> are free — as much as the concurrent deliveries can hold
/// at once, so a burst of large bodies reuses the same pieces instead of leaving each round's as garbage that
/// only a full collection frees (measured: 10 × 24 MB bad-signature bodies, 5 rounds, RSS grew 100 → 354 MB with
/// ArrayPool&lt;byte&gt;.Shared, which keeps only a few pieces per core). Past that, a given-back piece is dropped.
/// </summary>
internal static class BodyPiecePool
{
    public const int PieceBytes = 64 * 1024; // below the 85,000-byte large object threshold
    public const long MaxFreeBytes = (long)GitHubWebhookConcurrency.InFlight * GitHubWebhook.MaxBodyBytes;
    private static readonly ConcurrentBag<byte[]> Free = [];
    private static int _freeCount;

    public static byte[] Rent()
    {
        if (Free.TryTake(out var piece))
        {
            Interlocked.Decrement(ref _freeCount);
            return piece;
        }
        return GC.AllocateUninitializedArray<byte>(PieceBytes);
    }

    public static void Return(byte[] piece)
    {
        if (Interlocked.Increment(ref _freeCount) > MaxFreeBytes / PieceBytes)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }
        Free.Add(piece);
    }
}
