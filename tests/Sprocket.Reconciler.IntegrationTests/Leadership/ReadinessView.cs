using System.Text.Json.Serialization;

namespace Sprocket.Reconciler.IntegrationTests.Leadership;

/// <summary><c>GET /readyz</c> (ready when the desired state is loaded and Docker reachable; says leader or standby).</summary>
public sealed record ReadinessView(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("revision")] string? Revision,
    [property: JsonPropertyName("problem")] string? Problem);
