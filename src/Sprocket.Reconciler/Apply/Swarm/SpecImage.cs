using Docker.DotNet.Models;
using Sprocket.Reconciler.Core.Images;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>Comparisons of a service spec's image string with a <see cref="PinnedImage"/>.</summary>
internal static class SpecImage
{
    /// <summary>Spec.TaskTemplate.ContainerSpec.Image; null for a service without a container spec (a plugin).</summary>
    public static string? Of(SwarmService service) => service.Spec?.TaskTemplate?.ContainerSpec?.Image;

    /// <summary>
    /// True when <paramref name="specImage"/> already runs the pinned image: the same repository and the same digest
    /// (the digest is what runs; the tag in a <c>tag@digest</c> string is never checked by Swarm). A spec without a
    /// digest is never taken as running it: its tag may point anywhere by now.
    /// </summary>
    public static bool Runs(string? specImage, PinnedImage pinned) =>
        specImage == pinned.Reference
        || (ImageReferenceParser.TryParse(specImage, out var live)
            && live.Digest is not null
            && string.Equals(live.Digest, pinned.Digest, StringComparison.Ordinal)
            && string.Equals(ImageReferenceParser.Normalize(live.Repository), ImageReferenceParser.Normalize(pinned.Repository), StringComparison.Ordinal));
}
