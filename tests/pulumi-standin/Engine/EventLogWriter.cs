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
    private readonly FileStream? stream;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();
    private int sequence;

    private EventLogWriter(FileStream? stream, TimeProvider clock)
    {
        this.stream = stream;
        this.clock = clock;
    }

    /// <summary>A writer to <paramref name="path"/>, or one that drops events when no log was asked for.</summary>
    public static EventLogWriter Open(string? path, TimeProvider clock) =>
        new(path is null ? null : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), clock);

    public void Write(string payloadKey, JsonNode payload)
    {
        if (stream is null) return;
        lock (gate)
        {
            var line = new JsonObject
            {
                ["sequence"] = sequence++,
                ["timestamp"] = clock.GetUtcNow().ToUnixTimeSeconds(),
                [payloadKey] = payload,
            };
            stream.Write(Encoding.UTF8.GetBytes(line.ToJsonString(Json.Compact) + "\n"));
            stream.Flush();
        }
    }

    public void Dispose() => stream?.Dispose();
}
