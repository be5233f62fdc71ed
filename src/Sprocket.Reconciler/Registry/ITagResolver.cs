using System.Text.RegularExpressions;

namespace Sprocket.Reconciler.Registry;

/// <summary>What the reconcile loop asks: the digest of repository:tag, cached for immutable tags, with tag-moved detection.</summary>
public interface ITagResolver
{
    /// <param name="immutableTagPattern">The desired state's <c>immutableTagPattern</c>; tags it does not match are never cached.</param>
    Task<TagResolution> ResolveAsync(string repository, string tag, Regex immutableTagPattern, CancellationToken cancellationToken);
}
