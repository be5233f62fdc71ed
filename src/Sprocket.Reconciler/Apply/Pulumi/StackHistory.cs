using System.Text.Json;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// <c>pulumi stack history --json</c> (pulumi/pulumi pkg/cmd/pulumi/stack/stack_history.go, updateInfoJSON):
/// an array, newest first, of {version, kind, startTime, message, environment, config{"ns:key": {value?,
/// objectValue?, secret}}, result, endTime?, resourceChanges?}. kind is the backend's UpdateKind ("update" for
/// <c>pulumi up</c>, also "preview", "refresh", "destroy", "import"…); result is "succeeded", "failed" or
/// "in-progress". A secret's value is absent unless <c>--show-secrets</c>.
/// </summary>
internal sealed record StackHistory(IReadOnlyList<StackUpdate> Updates)
{
    /// <summary>The UpdateKind of a <c>pulumi up</c>.</summary>
    public const string UpdateKind = "update";

    public const string SucceededResult = "succeeded";

    public static StackHistory Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new FormatException("pulumi stack history --json prints a JSON array.");
        var updates = new List<StackUpdate>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var config = new Dictionary<string, StackConfigValue>(StringComparer.Ordinal);
            if (Json.Path(entry, "config") is { ValueKind: JsonValueKind.Object } values)
                foreach (var value in values.EnumerateObject())
                    config[value.Name] = new StackConfigValue(Json.String(value.Value, "value"), Json.Bool(value.Value, "secret"));
            updates.Add(new StackUpdate(
                (int)(Json.Int64(entry, "version") ?? 0),
                Json.String(entry, "kind") ?? "",
                Json.String(entry, "result") ?? "",
                Json.String(entry, "startTime"),
                config));
        }
        return new StackHistory(updates);
    }

    /// <summary>
    /// The config value of the newest succeeded <c>pulumi up</c>: what actually runs according to Pulumi.
    /// Ordered by version when the backend gives one, so the answer does not depend on the printing order.
    /// </summary>
    public string? AppliedValue(string qualifiedConfigKey) => Updates
        .Select((update, index) => (update, index))
        .OrderByDescending(pair => pair.update.Version)
        .ThenBy(pair => pair.index)
        .Select(pair => pair.update)
        .FirstOrDefault(update => update.Kind == UpdateKind && update.Result == SucceededResult)
        ?.Config.GetValueOrDefault(qualifiedConfigKey)?.Value;

    /// <summary>History keys are namespaced ("project:key"); a key given with its namespace is kept as is.</summary>
    public static string QualifiedKey(string project, string configKey) =>
        configKey.Contains(':', StringComparison.Ordinal) ? configKey : $"{project}:{configKey}";
}

internal sealed record StackUpdate(int Version, string Kind, string Result, string? StartTime, IReadOnlyDictionary<string, StackConfigValue> Config);

internal sealed record StackConfigValue(string? Value, bool Secret);
