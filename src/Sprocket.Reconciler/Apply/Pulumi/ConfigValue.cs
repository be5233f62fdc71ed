using System.Text.Json;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary><c>pulumi config get KEY --json</c>: <c>{"value":"…","secret":false}</c> (value absent for a hidden secret).</summary>
internal sealed record ConfigValue(string? Value, bool Secret)
{
    public static ConfigValue Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("pulumi config get --json prints a JSON object.");
        return new ConfigValue(Json.String(document.RootElement, "value"), Json.Bool(document.RootElement, "secret"));
    }
}
