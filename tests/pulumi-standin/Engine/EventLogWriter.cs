using System.Text;
using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Cli;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>
/// The <c>--event-log FILE</c> stream (apitype.EngineEvent): one compact JSON object per line with
/// <c>sequence</c> (from 0, +1 per event), <c>timestamp</c> (Unix seconds) and exactly one payload key.
/// Each line is flushed at once, because the Automation API tails the file while the CLI runs.
/// </summary>
public sealed class EventLogWriter : IDisposable
{
    private readonly FileStream? _stream;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private int _sequence;

    private EventLogWriter(FileStream? stream, TimeProvider clock)
    {
        _stream = stream;
        _clock = clock;
    }

    /// <summary>A writer to <paramref name="path"/>, or one that drops events when no log was asked for.</summary>
    public static EventLogWriter Open(string? path, TimeProvider clock) =>
        new(path is null ? null : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), clock);

    public void Write(string payloadKey, JsonNode payload)
    {
        if (_stream is null) return;
        lock (_gate)
        {
            var line = new JsonObject
            {
                ["sequence"] = _sequence++,
                ["timestamp"] = _clock.GetUtcNow().ToUnixTimeSeconds(),
                [payloadKey] = payload,
            };
            _stream.Write(Encoding.UTF8.GetBytes(line.ToJsonString(Json.Compact) + "\n"));
            _stream.Flush();
        }
    }

    public void Dispose() => _stream?.Dispose();
}
