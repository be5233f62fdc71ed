using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Backend;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>Builds the payloads of engine events (apitype StepEventMetadata and friends) from state resources.</summary>
public static class StepEvents
{
    public const string ImagePath = "taskSpec.containerSpec.image";

    public static JsonObject Metadata(string op, string urn, string type, JsonObject? oldResource, JsonObject? newResource, bool changedImage, string provider)
    {
        var metadata = new JsonObject
        {
            ["op"] = op,
            ["urn"] = urn,
            ["type"] = type,
            ["old"] = oldResource is null ? null : State(oldResource),
            ["new"] = newResource is null ? null : State(newResource),
        };
        if (changedImage)
        {
            metadata["diffs"] = new JsonArray("taskSpec");
            metadata["detailedDiff"] = new JsonObject { [ImagePath] = new JsonObject { ["diffKind"] = "update", ["inputDiff"] = false } };
        }
        else
        {
            metadata["detailedDiff"] = null;
        }

        metadata["logical"] = true;
        metadata["provider"] = provider;
        return metadata;
    }

    /// <summary>StepEventStateMetadata: the resource as the event shows it.</summary>
    public static JsonObject State(JsonObject resource)
    {
        var custom = resource["custom"]?.GetValue<bool>() ?? false;
        var state = new JsonObject
        {
            ["type"] = resource["type"]?.DeepClone(),
            ["urn"] = resource["urn"]?.DeepClone(),
        };
        if (custom) state["custom"] = true;
        state["id"] = resource["id"]?.DeepClone() ?? "";
        state["parent"] = resource["parent"]?.DeepClone() ?? "";
        state["inputs"] = resource["inputs"]?.DeepClone() ?? new JsonObject();
        state["outputs"] = resource["outputs"]?.DeepClone() ?? new JsonObject();
        state["provider"] = resource["provider"]?.DeepClone() ?? "";
        return state;
    }

    public static JsonObject Diagnostic(string? urn, string message, string severity)
    {
        var diagnostic = new JsonObject();
        if (urn is not null) diagnostic["urn"] = urn;
        diagnostic["prefix"] = severity == "error" ? "error: " : severity + ": ";
        diagnostic["message"] = message + "\n";
        diagnostic["color"] = "never";
        diagnostic["severity"] = severity;
        return diagnostic;
    }

    /// <summary>
    /// SummaryEvent (v3.259.0 sdk/go/common/apitype/events.go); <c>result</c> (OperationResult: succeeded, failed,
    /// canceled) exists since v3.237.0 and is derived from the engine's terminal error (OperationResultFromError).
    /// </summary>
    public static JsonObject Summary(IReadOnlyDictionary<string, int> changes, TimeSpan duration, bool isPreview, string result) => new()
    {
        ["maybeCorrupt"] = false,
        ["durationSeconds"] = (int)duration.TotalSeconds,
        ["resourceChanges"] = new JsonObject(changes.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))),
        ["PolicyPacks"] = new JsonObject(),
        ["isPreview"] = isPreview,
        ["result"] = result,
    };

    /// <summary>A service resource as state stores it after the provider applied <paramref name="inputs"/>.</summary>
    public static JsonObject ServiceResource(StackState state, DesiredService desired, string id, JsonObject inputs, JsonObject? previous, TimeProvider clock)
    {
        var now = clock.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var outputs = inputs.DeepClone().AsObject();
        outputs["id"] = id;
        return new JsonObject
        {
            ["urn"] = state.ServiceUrn(desired.LogicalName),
            ["custom"] = true,
            ["id"] = id,
            ["type"] = StackState.ServiceType,
            ["inputs"] = inputs,
            ["outputs"] = outputs,
            ["parent"] = state.StackUrn,
            ["provider"] = state.ProviderReference,
            ["created"] = previous?["created"]?.DeepClone() ?? now,
            ["modified"] = now,
        };
    }
}
