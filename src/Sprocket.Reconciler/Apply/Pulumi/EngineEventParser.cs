using System.Text;
using System.Text.Json;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>Reads engine events: one compact line at a time (the event log) or a stream of concatenated,
/// possibly pretty-printed objects (recorded fixtures). Unknown fields and payload kinds are accepted.</summary>
internal static class EngineEventParser
{
    /// <summary>The event on one line, or null for a blank line. Malformed JSON throws <see cref="FormatException"/>.</summary>
    public static EngineEvent? ParseLine(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return null;
        try
        {
            using var document = JsonDocument.Parse(line);
            return FromElement(document.RootElement);
        }
        catch (JsonException problem)
        {
            throw new FormatException($"Not an engine event: {problem.Message}", problem);
        }
    }

    /// <summary>Every event in a text of JSON objects one after another (whitespace, newlines or none between).</summary>
    public static IReadOnlyList<EngineEvent> ParseStream(string text)
    {
        var events = new List<EngineEvent>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            // Each Read lands on the next value's first token; ParseValue consumes the value from there.
            while (reader.Read())
            {
                using var document = JsonDocument.ParseValue(ref reader);
                events.Add(FromElement(document.RootElement));
            }
        }
        catch (JsonException problem)
        {
            throw new FormatException($"Not a stream of engine events: {problem.Message}", problem);
        }
        return events;
    }

    public static EngineEvent FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException("An engine event is a JSON object.");
        var sequence = Json.Int64(root, "sequence") ?? 0;
        var timestamp = Json.Int64(root, "timestamp") ?? 0;
        foreach (var property in root.EnumerateObject())
        {
            var payload = property.Value;
            if (payload.ValueKind != JsonValueKind.Object)
                continue; // sequence, timestamp, and any future scalar field
            return property.Name switch
            {
                "preludeEvent" => new PreludeEngineEvent(sequence, timestamp, StringMap(payload, "config")),
                "resourcePreEvent" => new ResourcePreEngineEvent(sequence, timestamp, Step(payload), Json.Bool(payload, "planning")),
                "resOutputsEvent" => new ResourceOutputsEngineEvent(sequence, timestamp, Step(payload), Json.Bool(payload, "planning")),
                "resOpFailedEvent" => new ResourceOperationFailedEngineEvent(sequence, timestamp, Step(payload),
                    (int)(Json.Int64(payload, "status") ?? 0), (int)(Json.Int64(payload, "steps") ?? 0)),
                "diagnosticEvent" => new DiagnosticEngineEvent(sequence, timestamp, Json.String(payload, "severity") ?? "",
                    Json.String(payload, "message") ?? "", Json.String(payload, "urn"), Json.Bool(payload, "ephemeral")),
                "summaryEvent" => new SummaryEngineEvent(sequence, timestamp, IntMap(payload, "resourceChanges"),
                    Json.Int64(payload, "durationSeconds") ?? 0, Json.Bool(payload, "maybeCorrupt"), Json.Bool(payload, "isPreview"),
                    Json.String(payload, "result")),
                "cancelEvent" => new CancelEngineEvent(sequence, timestamp),
                _ => new OtherEngineEvent(sequence, timestamp, property.Name),
            };
        }
        throw new FormatException("An engine event carries one payload object; this one has none.");
    }

    private static StepMetadata Step(JsonElement payload)
    {
        var metadata = Json.Path(payload, "metadata") ?? default;
        var urn = Json.String(metadata, "urn") ?? "";
        return new StepMetadata(
            Json.String(metadata, "op") ?? "",
            urn,
            Json.String(metadata, "type") ?? Urn.Type(urn),
            State(metadata, "old"),
            State(metadata, "new"));
    }

    private static ResourceState? State(JsonElement metadata, string name)
    {
        if (Json.Path(metadata, name) is not { ValueKind: JsonValueKind.Object } state)
            return null;
        return new ResourceState(
            Json.String(state, "type") ?? "",
            Json.String(state, "urn") ?? "",
            Json.String(state, "id") ?? "",
            Json.Path(state, "inputs")?.Clone() ?? default,
            Json.Path(state, "outputs")?.Clone() ?? default);
    }

    private static Dictionary<string, string> StringMap(JsonElement payload, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Json.Path(payload, name) is { ValueKind: JsonValueKind.Object } values)
            foreach (var entry in values.EnumerateObject())
                map[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
        return map;
    }

    private static Dictionary<string, int> IntMap(JsonElement payload, string name)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        if (Json.Path(payload, name) is { ValueKind: JsonValueKind.Object } values)
            foreach (var entry in values.EnumerateObject())
                if (entry.Value.TryGetInt32(out var count))
                    map[entry.Name] = count;
        return map;
    }
}
