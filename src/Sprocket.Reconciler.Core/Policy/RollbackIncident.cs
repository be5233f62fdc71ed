using System.Collections.Immutable;

namespace Sprocket.Reconciler.Core.Policy;

/// <summary>
/// An on-call engineer's emergency rollback, followed from detection to re-alignment: what was rolled away from
/// (<see cref="BadTag"/>) and to (<see cref="GoodTag"/>, null while the live digest has no known tag), when the
/// rollback became stable, and what was written back to git.
/// </summary>
/// <param name="LiveKey">What runs, as one comparable string (digests and update start times): when it changes —
/// a second rollback, a hand update — the stabilization clock restarts.</param>
/// <param name="StableSince">Since when every affected service has finished rolling back with all tasks running.</param>
public sealed record RollbackIncident(
    string BadTag,
    string? GoodTag,
    ImmutableArray<IncidentService> Services,
    DateTimeOffset DetectedAt,
    string LiveKey,
    DateTimeOffset? StableSince,
    WriteBackRecord? WriteBack)
{
    public DateTimeOffset? StabilizationDeadline(TimeSpan stabilization) => StableSince + stabilization;

    // Equal when every member is, the services compared one by one: an ImmutableArray compares by reference, and the
    // policy rebuilds it on every pass, so the record's own equality would call an unchanged incident changed and the
    // loop would store it again on every pass of an incident.
    public bool Equals(RollbackIncident? other) =>
        other is not null && BadTag == other.BadTag && GoodTag == other.GoodTag && DetectedAt == other.DetectedAt
        && LiveKey == other.LiveKey && StableSince == other.StableSince && WriteBack == other.WriteBack
        && Services.IsDefault == other.Services.IsDefault && (Services.IsDefault || Services.SequenceEqual(other.Services));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(BadTag);
        hash.Add(GoodTag);
        hash.Add(DetectedAt);
        hash.Add(LiveKey);
        hash.Add(StableSince);
        hash.Add(WriteBack);
        if (!Services.IsDefault)
            foreach (var service in Services) hash.Add(service);
        return hash.ToHashCode();
    }
}

/// <summary>One rolled-back service: the image it ran before (from) and runs now (to), with Swarm's times.</summary>
public sealed record IncidentService(
    string Name,
    string? FromImage,
    string? ToImage,
    string? ToTag,
    string? ToDigest,
    DateTimeOffset? RollbackStartedAt,
    DateTimeOffset? RollbackCompletedAt);

/// <summary>What the write-back produced; <paramref name="Reference"/> the commit sha or PR URL (or why nothing was written).</summary>
public sealed record WriteBackRecord(WriteBackKind Kind, string Reference, DateTimeOffset At);
