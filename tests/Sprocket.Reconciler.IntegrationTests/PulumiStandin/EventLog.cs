using System.Text.Json.Nodes;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>
/// Reads an `--event-log` file and asserts the engine-event contract: one JSON object per line, sequence
/// from 0 rising by one, Unix-seconds timestamp, exactly one known payload key.
/// </summary>
public sealed class EventLog
{
    private static readonly HashSet<string> PayloadKeys =
    [
        "cancelEvent", "stdoutEvent", "diagnosticEvent", "preludeEvent", "summaryEvent", "resourcePreEvent",
        "resOutputsEvent", "resOpFailedEvent", "policyEvent", "progressEvent", "errorEvent",
    ];

    private EventLog(IReadOnlyList<(string Key, JsonObject Payload)> events) => Events = events;

    public IReadOnlyList<(string Key, JsonObject Payload)> Events { get; }

    public IEnumerable<JsonObject> Payloads(string key) => Events.Where(e => e.Key == key).Select(e => e.Payload);

    public JsonObject Summary => Assert.Single(Payloads("summaryEvent"));

    public static EventLog ReadValid(string path, bool complete = true)
    {
        var lines = File.ReadAllLines(path).Where(line => line.Length > 0).ToList();
        Assert.NotEmpty(lines);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var events = new List<(string, JsonObject)>();
        for (var index = 0; index < lines.Count; index++)
        {
            var line = JsonNode.Parse(lines[index])!.AsObject();
            Assert.Equal(index, line["sequence"]!.GetValue<int>());
            var timestamp = line["timestamp"]!.GetValue<long>();
            Assert.InRange(timestamp, now - 3600, now + 60);
            var payloadKeys = line.Select(pair => pair.Key).Where(key => key is not "sequence" and not "timestamp").ToList();
            var key = Assert.Single(payloadKeys);
            Assert.Contains(key, PayloadKeys);
            events.Add((key, line[key]!.AsObject()));
        }

        Assert.Equal("preludeEvent", events[0].Item1);
        if (complete)
        {
            Assert.Equal("summaryEvent", events[^2].Item1);
            Assert.Equal("cancelEvent", events[^1].Item1);
        }

        return new EventLog(events);
    }
}
