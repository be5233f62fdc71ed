namespace Sprocket.Reconciler.Core.Drift;

/// <summary>
/// What the registry and the digest ledger know, as a snapshot the pure classifier can read.
/// The shell fills it before each evaluation; the classifier never waits on a registry.
/// </summary>
public interface IImageFacts
{
    /// <summary>The registry's answer for <paramref name="repository"/>:<paramref name="tag"/>, or null when not asked yet.</summary>
    TagLookup? Resolve(string repository, string tag);

    /// <summary>The tag a digest was last seen under (the ledger), preferring immutable tags.</summary>
    string? TagOf(string repository, string digest);
}

/// <summary>A tag's digest. <paramref name="Moved"/>: the registry now serves another digest than the one
/// first recorded for this immutable tag. <paramref name="Failure"/>: why it did not resolve (then Digest is null).</summary>
public sealed record TagLookup(string? Digest, bool Moved = false, string? Failure = null)
{
    public static TagLookup Resolved(string digest, bool moved = false) => new(digest, moved);
    public static TagLookup Unresolvable(string failure) => new(null, Failure: failure);
}

/// <summary>No registry or ledger knowledge: classification falls back to comparing tags.</summary>
public sealed class NoImageFacts : IImageFacts
{
    public static NoImageFacts Instance { get; } = new();
    public TagLookup? Resolve(string repository, string tag) => null;
    public string? TagOf(string repository, string digest) => null;
}
