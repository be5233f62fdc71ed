using Sprocket.Reconciler.Apply.Swarm;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// The align's last check before its <c>up</c>: the preview may touch a docker service only to give it a digest the
/// export check just verified as running. "The align changes nothing in Swarm" otherwise rests on the provider's
/// diff rules alone (a refresh that left some input stale would turn the up into a real update). A preview step
/// carries the proposed resource at <c>newState.inputs</c> (pulumi/pulumi pkg/display/json.go, PreviewDigest).
/// </summary>
internal static class AlignPreviewGuard
{
    /// <summary>Why the up must not run (null when every docker-service step keeps or records a verified digest).</summary>
    public static string? Problem(PreviewDocument preview, IReadOnlyList<PinnedImage> verified)
    {
        var problems = new List<string>();
        foreach (var step in preview.Steps)
        {
            if (IsNoChange(step.Op) || !IsDockerService(step.Type)) continue;
            var service = step.ServiceName ?? step.Urn;
            var pinned = verified.FirstOrDefault(image => image.ServiceName == step.ServiceName)
                ?? verified.FirstOrDefault(image => SameRepository(step.NewImage, image));
            if (step.NewImage is null)
                problems.Add($"{service}: {step.Op} with no new image");
            else if (pinned is null)
                problems.Add($"{service}: {step.Op} to {step.NewImage}, which is not pinned");
            else if (!SpecImage.Runs(step.NewImage, pinned))
                problems.Add($"{service}: {step.Op} to {step.NewImage}, not the verified {pinned.Digest}");
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static bool IsNoChange(string op) => op is "same" or "read" or "refresh";

    private static bool IsDockerService(string type) =>
        type is "docker:index/service:Service" or "docker:index:Service" or "docker:Service";

    private static bool SameRepository(string? image, PinnedImage pinned) =>
        Core.Images.ImageReferenceParser.TryParse(image, out var parsed)
        && Core.Images.ImageReferenceParser.Normalize(parsed.Repository) == Core.Images.ImageReferenceParser.Normalize(pinned.Repository);
}
