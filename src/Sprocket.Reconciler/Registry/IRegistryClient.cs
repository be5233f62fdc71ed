namespace Sprocket.Reconciler.Registry;

/// <summary>The Docker Registry HTTP API v2, as far as the reconciler needs it: read-only, pull scope only.</summary>
public interface IRegistryClient
{
    /// <summary>
    /// The digest <paramref name="repository"/>:<paramref name="tag"/> names right now (manifest or index
    /// digest, as Docker and Swarm record it). Never throws for registry failures: they come back typed.
    /// </summary>
    /// <param name="repository">With its registry host (<c>ghcr.io/sprocketbot/web</c>); without one it is Docker Hub.</param>
    Task<TagResolution> ResolveAsync(string repository, string tag, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="maxTags"/> tags of the repository, in the registry's order, following
    /// <c>Link</c> pagination. Throws <see cref="RegistryRequestException"/> when the registry fails.
    /// </summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, int maxTags, CancellationToken cancellationToken);
}
