using System.Text.Json;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>Tolerant reads of the CLI's JSON: a missing or differently typed field is simply absent.</summary>
internal static class Json
{
    public static JsonElement? Path(JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next))
                return null;
            current = next;
        }
        return current;
    }

    public static string? String(JsonElement element, params string[] path) =>
        Path(element, path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static bool Bool(JsonElement element, params string[] path) =>
        Path(element, path) is { ValueKind: JsonValueKind.True };

    public static long? Int64(JsonElement element, params string[] path) =>
        Path(element, path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;
}
