using System.Diagnostics.CodeAnalysis;

namespace Sprocket.Reconciler.Registry;

/// <summary>
/// The answer to "what digest does repository:tag name?": either a digest or a typed failure.
/// <see cref="Message"/> is safe to show anywhere (status page, logs, GitHub): it never holds credentials or tokens.
/// From <see cref="CachingTagResolver"/> it also tells whether the tag moved: <see cref="FirstSeenDigest"/>
/// is the digest first recorded for the tag, <see cref="Digest"/> the one the registry gives now.
/// </summary>
public sealed record TagResolution
{
    private TagResolution(string? digest, string? firstSeenDigest, RegistryFailureKind? failure, string? message, TimeSpan? retryAfter = null)
    {
        RetryAfter = retryAfter;
        Digest = digest;
        FirstSeenDigest = firstSeenDigest;
        Failure = failure;
        Message = message;
    }

    public string? Digest { get; }

    /// <summary>The digest this tag had when first resolved; equals <see cref="Digest"/> unless the tag moved.</summary>
    public string? FirstSeenDigest { get; }

    public RegistryFailureKind? Failure { get; }

    /// <summary>How long the registry asked us to wait (HTTP 429 Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>No answer worth acting on yet (outage, timeout, 5xx, rate limit): ask again later; never a verdict on the tag.</summary>
    public bool Transient => Failure is RegistryFailureKind.Unreachable or RegistryFailureKind.RateLimited;

    public string? Message { get; }

    [MemberNotNullWhen(true, nameof(Digest), nameof(FirstSeenDigest))]
    [MemberNotNullWhen(false, nameof(Failure), nameof(Message))]
    public bool IsResolved => Digest is not null;

    /// <summary>An immutable tag now names a different digest than the first one recorded: the drift reason <c>tag-moved</c>.</summary>
    public bool Moved => Digest is not null && FirstSeenDigest is not null && !string.Equals(Digest, FirstSeenDigest, StringComparison.Ordinal);

    public static TagResolution Resolved(string digest, string? firstSeenDigest = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(digest);
        return new(digest, firstSeenDigest ?? digest, null, null);
    }

    public static TagResolution Failed(RegistryFailureKind failure, string message, TimeSpan? retryAfter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(null, null, failure, message, retryAfter);
    }

    public override string ToString() =>
        IsResolved
            ? Moved ? $"{Digest} (moved from {FirstSeenDigest})" : Digest
            : $"{Failure}: {Message}";
}
