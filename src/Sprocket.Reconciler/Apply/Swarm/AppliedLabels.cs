using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>
/// The service-spec labels through which the swarm engine remembers what it applied. They live in the spec, so they
/// survive daemon restarts without a database — and travel with the spec: a Swarm rollback restores the labels of the
/// spec it returns to, so they always describe the last of our applies that still stands.
/// </summary>
public static class AppliedLabels
{
    public const string Tag = "io.sprocket.reconciler.applied-tag";
    public const string Revision = "io.sprocket.reconciler.applied-revision";

    /// <summary>A copy of <paramref name="labels"/> with the applied tag and revision set (other labels kept).</summary>
    public static Dictionary<string, string> With(IDictionary<string, string>? labels, string tag, string revision)
    {
        var updated = labels is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(labels, StringComparer.Ordinal);
        updated[Tag] = tag;
        updated[Revision] = revision;
        return updated;
    }

    public static string? ReadTag(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Tag, out var tag) && !string.IsNullOrWhiteSpace(tag) ? tag : null;

    /// <summary>The tag every one of <paramref name="serviceLabels"/> names, or null when any lacks it or they disagree
    /// (a partly applied stack has no single applied tag).</summary>
    public static string? Agreed(IReadOnlyCollection<IDictionary<string, string>?> serviceLabels) =>
        AgreedTag([.. serviceLabels.Select(ReadTag)]);

    /// <summary>The tag every service's label names (<see cref="LiveService.AppliedTag"/>), or null when any lacks
    /// it or they disagree.</summary>
    public static string? AgreedTag(IReadOnlyCollection<string?> serviceTags)
    {
        if (serviceTags.Count == 0) return null;
        var tags = serviceTags.Distinct(StringComparer.Ordinal).ToList();
        return tags is [{ } only] ? only : null;
    }

    /// <summary>The applied tag of <paramref name="stack"/> in a listing: the tag its managed services agree on, matched
    /// as the drift classifier matches them, so "the stack's services" means the same set everywhere.</summary>
    public static string? AgreedInListing(StackSpec stack, LiveIndex live) =>
        AgreedTag([.. stack.Services
            .SelectMany(spec => live.Match(spec.Repository, spec.Match))
            .DistinctBy(service => service.Id, StringComparer.Ordinal)
            .Select(service => service.AppliedTag)]);
}
