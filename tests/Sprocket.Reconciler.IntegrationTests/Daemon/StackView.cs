using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

// The stack JSON of GET /api/v1/stacks, written down independently of the daemon's own types: reading it with
// strict options (every field required, no unknown field) turns a renamed or dropped field into a failure.

/// <summary><c>GET /api/v1/stacks/{name}</c>.</summary>
public sealed record StackView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("desired")] DesiredView Desired,
    [property: JsonPropertyName("applied")] AppliedView Applied,
    [property: JsonPropertyName("services")] IReadOnlyList<ServiceView> Services,
    [property: JsonPropertyName("lastReconcile")] LastReconcileView? LastReconcile,
    // Present only while the stack is held.
    [property: JsonPropertyName("hold")] HoldView? Hold = null,
    // Present while an emergency rollback is being realigned.
    [property: JsonPropertyName("incident")] IncidentView? Incident = null)
{
    public static readonly JsonSerializerOptions ContractOptions = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The single service (most scenarios have one); fails with the document when there are more.</summary>
    // Not serialized: ToString serializes the document, and this getter's failure message calls ToString.
    [JsonIgnore]
    public ServiceView OnlyService =>
        Services.Count == 1 ? Services[0] : throw new InvalidOperationException($"expected one service in {this}");

    public override string ToString() => JsonSerializer.Serialize(this, ContractOptions);
}

public sealed record DesiredView(
    [property: JsonPropertyName("imageTag")] string ImageTag,
    [property: JsonPropertyName("revision")] string? Revision);

public sealed record AppliedView([property: JsonPropertyName("imageTag")] string? ImageTag);

public sealed record ServiceView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("repository")] string Repository,
    [property: JsonPropertyName("liveImage")] string? LiveImage,
    [property: JsonPropertyName("liveDigest")] string? LiveDigest,
    [property: JsonPropertyName("liveTag")] string? LiveTag,
    [property: JsonPropertyName("expectedDigest")] string? ExpectedDigest,
    [property: JsonPropertyName("drift")] string Drift,
    [property: JsonPropertyName("updateState")] string? UpdateState,
    // Written only when true (observeOnly services); optional in the contract's reading.
    [property: JsonPropertyName("observeOnly")] bool ObserveOnly = false);

public sealed record LastReconcileView(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("message")] string Message);

public sealed record HoldView(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("manual")] bool Manual);

public sealed record IncidentView(
    [property: JsonPropertyName("badTag")] string BadTag,
    [property: JsonPropertyName("goodTag")] string? GoodTag,
    [property: JsonPropertyName("detectedAt")] DateTimeOffset DetectedAt,
    [property: JsonPropertyName("stableSince")] DateTimeOffset? StableSince,
    [property: JsonPropertyName("stabilizationDeadline")] DateTimeOffset? StabilizationDeadline,
    [property: JsonPropertyName("writeBack")] WriteBackView? WriteBack,
    [property: JsonPropertyName("services")] IReadOnlyList<IncidentServiceView> Services);

public sealed record WriteBackView(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("at")] DateTimeOffset At);

public sealed record IncidentServiceView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("fromImage")] string? FromImage,
    [property: JsonPropertyName("toImage")] string? ToImage,
    [property: JsonPropertyName("rollbackStartedAt")] DateTimeOffset? RollbackStartedAt,
    [property: JsonPropertyName("rollbackCompletedAt")] DateTimeOffset? RollbackCompletedAt);
