using System.Globalization;
using System.Text.Json.Nodes;

namespace Sprocket.PulumiStandin.Backend;

/// <summary>
/// One entry of a stack's history (Pulumi's backend.UpdateInfo). <see cref="Kind"/> is Pulumi's UpdateKind:
/// <c>update</c> for `pulumi up`, <c>refresh</c> for `pulumi refresh`; <see cref="Result"/> is
/// <c>succeeded</c> or <c>failed</c>.
/// </summary>
public sealed record UpdateRecord(
    int Version,
    string Kind,
    long StartTime,
    long EndTime,
    string Message,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Config,
    string Result,
    IReadOnlyDictionary<string, int> ResourceChanges)
{
    /// <summary>The file backend's stored form: times as Unix seconds, config values as plain strings.</summary>
    public JsonObject ToStoredJson() => new()
    {
        ["kind"] = Kind,
        ["startTime"] = StartTime,
        ["message"] = Message,
        ["environment"] = ToObject(Environment),
        ["config"] = ToObject(Config),
        ["result"] = Result,
        ["endTime"] = EndTime,
        ["resourceChanges"] = new JsonObject(ResourceChanges.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))),
    };

    public static UpdateRecord FromStoredJson(JsonObject stored, int version) => new(
        Version: version,
        Kind: stored["kind"]?.ToString() ?? "update",
        StartTime: stored["startTime"]?.GetValue<long>() ?? 0,
        EndTime: stored["endTime"]?.GetValue<long>() ?? 0,
        Message: stored["message"]?.ToString() ?? "",
        Environment: ToDictionary(stored["environment"] as JsonObject),
        Config: ToDictionary(stored["config"] as JsonObject),
        Result: stored["result"]?.ToString() ?? "failed",
        ResourceChanges: (stored["resourceChanges"] as JsonObject ?? []).ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<int>()));

    /// <summary>
    /// The shape of `pulumi stack history --json` (updateInfoJSON in pkg/cmd/pulumi/stack/stack_history.go):
    /// times formatted as UTC date-times, each config value as {value, secret}.
    /// </summary>
    public JsonObject ToHistoryJson() => new()
    {
        ["version"] = Version,
        ["kind"] = Kind,
        ["startTime"] = FormatTime(StartTime),
        ["message"] = Message,
        ["environment"] = ToObject(Environment),
        ["config"] = new JsonObject(Config.Select(pair => KeyValuePair.Create(pair.Key,
            (JsonNode?)new JsonObject { ["value"] = pair.Value, ["secret"] = false }))),
        ["result"] = Result,
        ["endTime"] = FormatTime(EndTime),
        ["resourceChanges"] = new JsonObject(ResourceChanges.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))),
    };

    private static string FormatTime(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonObject ToObject(IReadOnlyDictionary<string, string> values) =>
        new(values.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value)));

    private static Dictionary<string, string> ToDictionary(JsonObject? values) =>
        (values ?? []).ToDictionary(pair => pair.Key, pair => pair.Value?.ToString() ?? "", StringComparer.Ordinal);
}
