using System.Buffers;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// A request body kept in 64 KB pieces from <see cref="BodyPiecePool"/>, given back on <see cref="Dispose"/>.
/// Growing never copies, and no piece is on the large object heap: a body kept in one growing array (a
/// MemoryStream) costs about three times its size in large-object arrays, which the GC seldom compacts, so ten
/// refused 24 MB bodies left about 600 MB resident.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private const int PieceBytes = BodyPiecePool.PieceBytes;
    private readonly List<byte[]> _pieces = [];
    private int _usedInLast = PieceBytes;

    public long Length { get; private set; }

    /// <summary>The free end of the last piece, renting a new piece when it is full; <see cref="Advance"/> keeps what was written.</summary>
    public Memory<byte> FreeSpace()
    {
        if (_usedInLast == PieceBytes)
        {
            _pieces.Add(BodyPiecePool.Rent());
            _usedInLast = 0;
        }
        return _pieces[^1].AsMemory(_usedInLast, PieceBytes - _usedInLast);
    }

    public void Advance(int count)
    {
        _usedInLast += count;
        Length += count;
    }

    /// <summary>The kept bytes without copying them; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySequence<byte> AsSequence()
    {
        if (_pieces.Count == 0) return ReadOnlySequence<byte>.Empty;
        if (_pieces.Count == 1) return new ReadOnlySequence<byte>(_pieces[0], 0, _usedInLast);
        var first = new Piece(_pieces[0].AsMemory(0, PieceBytes), 0);
        var last = first;
        for (var i = 1; i < _pieces.Count; i++)
            last = last.Append(_pieces[i].AsMemory(0, i == _pieces.Count - 1 ? _usedInLast : PieceBytes));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public void Dispose()
    {
        foreach (var piece in _pieces) BodyPiecePool.Return(piece);
        _pieces.Clear();
        _usedInLast = PieceBytes;
        Length = 0;
    }

    private sealed class Piece : ReadOnlySequenceSegment<byte>
    {
        public Piece(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Piece Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Piece(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
