using System.Text.Json;
using Sprocket.Reconciler.Apply.Swarm;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// The service images Pulumi's state records, from <c>pulumi stack export</c> (pulumi/pulumi
/// pkg/cmd/pulumi/stack/stack_export.go: <c>{version, deployment: {resources: [{urn, type, delete, inputs, outputs, …}]}}</c>,
/// each resource a ResourceV3 of pulumi/pulumi sdk/go/common/apitype/core.go). A <c>docker:index/service:Service</c> keeps
/// its image at <c>taskSpec.containerSpec.image</c> and its Swarm name at <c>name</c> (pulumi/pulumi-docker
/// provider/cmd/pulumi-resource-docker/schema.json: resources["docker:index/service:Service"], types
/// ServiceTaskSpec and ServiceTaskSpecContainerSpec). Read after a refresh, they are what runs.
/// </summary>
internal static class PulumiStateImages
{
    /// <summary>
    /// Each docker service resource's Swarm name (null when the state has none) and image. Outputs first: a refresh
    /// always rewrites a resource's outputs from what the provider read, its inputs only when the provider returns
    /// them. A resource marked <c>delete</c> (an old one awaiting deletion after a replace, or one a refresh found
    /// gone) runs nothing the align records: it is left out, or a stale leftover would fail every align.
    /// </summary>
    public static IReadOnlyList<(string? Name, string Image)> Parse(string exportJson)
    {
        using var document = JsonDocument.Parse(exportJson);
        var images = new List<(string?, string)>();
        if (Json.Path(document.RootElement, "deployment", "resources") is not { ValueKind: JsonValueKind.Array } resources) return images;
        foreach (var resource in resources.EnumerateArray())
        {
            if (Json.String(resource, "type") is not { } type || !IsDockerService(type) || Json.Bool(resource, "delete")) continue;
            var image = Json.String(resource, "outputs", "taskSpec", "containerSpec", "image") ?? Json.String(resource, "inputs", "taskSpec", "containerSpec", "image");
            if (image is null) continue;
            images.Add((Json.String(resource, "outputs", "name") ?? Json.String(resource, "inputs", "name"), image));
        }
        return images;
    }

    /// <summary>
    /// Why the state does not record every pinned image running (null when it does): each pinned service's resource,
    /// found by its Swarm name, else by its repository, must name the pinned digest.
    /// </summary>
    public static string? Mismatch(IReadOnlyList<(string? Name, string Image)> state, IReadOnlyList<PinnedImage> pinned)
    {
        var problems = new List<string>();
        foreach (var image in pinned)
        {
            var byName = state.Where(s => s.Name == image.ServiceName).ToList();
            var candidates = byName.Count > 0 ? byName : [.. state.Where(s => SameRepository(s.Image, image))];
            if (candidates.Count == 0) problems.Add($"{image.ServiceName}: not in Pulumi's state");
            else if (candidates.FirstOrDefault(c => !SpecImage.Runs(c.Image, image)) is { Image: { } other })
                problems.Add($"{image.ServiceName}: runs {other}, not {image.Digest}");
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static bool IsDockerService(string type) =>
        type is "docker:index/service:Service" or "docker:index:Service" or "docker:Service";

    private static bool SameRepository(string image, PinnedImage pinned) =>
        Core.Images.ImageReferenceParser.TryParse(image, out var parsed)
        && Core.Images.ImageReferenceParser.Normalize(parsed.Repository) == Core.Images.ImageReferenceParser.Normalize(pinned.Repository);
}
