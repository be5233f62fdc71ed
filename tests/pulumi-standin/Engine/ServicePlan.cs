using System.Text.Json.Nodes;
using Sprocket.PulumiStandin.Backend;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>
/// The step the engine takes for one service: compare the resolved image with what state records. Like
/// Pulumi, this compares with STATE, not with the live service — only a refresh brings live changes in.
/// </summary>
public sealed record ServicePlan(DesiredService Desired, string Urn, string ResolvedImage, JsonObject? Old, string Op)
{
    public static ServicePlan For(StackState state, DesiredService desired, string resolvedImage)
    {
        var urn = state.ServiceUrn(desired.LogicalName);
        var old = state.Find(urn);
        var op = old is null
            ? "create"
            : StackState.ImageOf(old) == resolvedImage && old["inputs"]?["name"]?.ToString() == desired.ServiceName ? "same" : "update";
        return new ServicePlan(desired, urn, resolvedImage, old, op);
    }

    public bool ChangesImage => Op == "update";

    /// <summary>The resource as it will be once applied; the id is known only afterwards (empty until then).</summary>
    public JsonObject Proposed(StackState state, TimeProvider clock, string id = "") =>
        StepEvents.ServiceResource(state, Desired, id.Length > 0 ? id : Old?["id"]?.ToString() ?? "", Desired.InputsWith(ResolvedImage), Old, clock);
}
