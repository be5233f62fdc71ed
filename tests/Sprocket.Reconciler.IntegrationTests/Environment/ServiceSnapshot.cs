using System.Text.Json;

namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

/// <summary>The parts of `docker service inspect` that rollback tests assert on.</summary>
/// <param name="SpecImage">Spec.TaskTemplate.ContainerSpec.Image, usually <c>repo:tag@sha256:…</c>.</param>
/// <param name="PreviousSpecImage">Null when there is no PreviousSpec (new service, or after Swarm rolled back by itself).</param>
/// <param name="UpdateState">UpdateStatus.State (<c>updating</c>, <c>completed</c>, <c>rollback_started</c>, <c>rollback_completed</c>, <c>paused</c>…), null before any update.</param>
public sealed record ServiceSnapshot(
    string Id,
    string Name,
    ulong VersionIndex,
    string SpecImage,
    string? PreviousSpecImage,
    string? UpdateState,
    string? UpdateMessage)
{
    public static ServiceSnapshot From(JsonElement service)
    {
        var updateStatus = Property(service, "UpdateStatus");
        return new ServiceSnapshot(
            Id: service.GetProperty("ID").GetString()!,
            Name: service.GetProperty("Spec").GetProperty("Name").GetString()!,
            VersionIndex: service.GetProperty("Version").GetProperty("Index").GetUInt64(),
            SpecImage: ContainerImage(service.GetProperty("Spec"))!,
            PreviousSpecImage: Property(service, "PreviousSpec") is { } previous ? ContainerImage(previous) : null,
            UpdateState: updateStatus is { } status ? Property(status, "State")?.GetString() : null,
            UpdateMessage: updateStatus is { } status2 ? Property(status2, "Message")?.GetString() : null);
    }

    private static string? ContainerImage(JsonElement spec) =>
        spec.GetProperty("TaskTemplate").GetProperty("ContainerSpec").GetProperty("Image").GetString();

    private static JsonElement? Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is not JsonValueKind.Null ? value : null;
}
