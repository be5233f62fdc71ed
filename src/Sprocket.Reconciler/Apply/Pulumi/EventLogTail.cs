using System.Text;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// Follows the <c>--event-log FILE</c> the CLI appends to while <c>up</c> runs. Each <see cref="ReadNew"/>
/// returns the events of the lines completed since the last call; a line still being written stays buffered
/// until its newline arrives. The file may not exist yet (the CLI creates it once the engine starts).
/// Not thread-safe: one reader per run.
/// </summary>
internal sealed class EventLogTail(string path)
{
    private readonly List<byte> _pending = [];
    private long _offset;

    public string Path { get; } = path;

    /// <summary>Lines that were not engine events (kept out of the result, counted for the record).</summary>
    public int MalformedLines { get; private set; }

    public IReadOnlyList<EngineEvent> ReadNew()
    {
        var appended = ReadAppendedBytes();
        if (appended.Length == 0)
            return [];
        _pending.AddRange(appended);

        var events = new List<EngineEvent>();
        int newline;
        while ((newline = _pending.IndexOf((byte)'\n')) >= 0)
        {
            var line = Encoding.UTF8.GetString(_pending.GetRange(0, newline).ToArray());
            _pending.RemoveRange(0, newline + 1);
            try
            {
                if (EngineEventParser.ParseLine(line) is { } engineEvent)
                    events.Add(engineEvent);
            }
            catch (FormatException)
            {
                MalformedLines++;
            }
        }
        return events;
    }

    /// <summary>After the process exited: the last line may lack its newline.</summary>
    public IReadOnlyList<EngineEvent> ReadRemaining()
    {
        var events = ReadNew().ToList();
        if (_pending.Count == 0)
            return events;
        var line = Encoding.UTF8.GetString(_pending.ToArray());
        _pending.Clear();
        try
        {
            if (EngineEventParser.ParseLine(line) is { } engineEvent)
                events.Add(engineEvent);
        }
        catch (FormatException)
        {
            MalformedLines++;
        }
        return events;
    }

    private byte[] ReadAppendedBytes()
    {
        if (!File.Exists(Path))
            return [];
        // The writer keeps the file open; share it for reading and writing.
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= _offset)
            return [];
        stream.Seek(_offset, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - _offset];
        var read = 0;
        while (read < buffer.Length)
        {
            var count = stream.Read(buffer, read, buffer.Length - read);
            if (count == 0)
                break;
            read += count;
        }
        _offset += read;
        return read == buffer.Length ? buffer : buffer[..read];
    }
}
