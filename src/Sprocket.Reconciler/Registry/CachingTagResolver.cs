using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Registry;

/// <summary>
/// Puts a cache and a memory in front of <see cref="IRegistryClient"/>.
/// An immutable tag's digest is served from memory, and re-checked once it is older than
/// <see cref="RegistryOptions.TagRecheckInterval"/>: immutability is a convention CI can break, and a
/// re-pushed tag must show up as <c>tag-moved</c>, not silently change what "desired" means.
/// The first digest ever seen for a tag comes from the <see cref="DigestLedger"/>, so a move is
/// still caught after a restart. Mutable tags (<c>main</c>, <c>latest</c>) are asked every time and never "move".
/// Every successful answer is recorded in the ledger, which is what names digest-only live images.
/// </summary>
public sealed class CachingTagResolver(
    IRegistryClient registry,
    DigestLedger ledger,
    IOptionsMonitor<RegistryOptions> options,
    TimeProvider time,
    ILogger<CachingTagResolver> logger) : ITagResolver
{
    private readonly ConcurrentDictionary<(string Repository, string Tag), CachedDigest> _cache = new();

    public async Task<TagResolution> ResolveAsync(string repository, string tag, Regex immutableTagPattern, CancellationToken cancellationToken)
    {
        var immutable = ImmutableTagPolicy.MatchesWhole(immutableTagPattern, tag);
        var key = (repository, tag);
        var now = time.GetUtcNow();

        if (immutable && _cache.TryGetValue(key, out var cached) && now - cached.CheckedAt < options.CurrentValue.TagRecheckInterval)
        {
            return cached.Resolution;
        }

        var fresh = await registry.ResolveAsync(repository, tag, cancellationToken).ConfigureAwait(false);
        if (!fresh.IsResolved)
        {
            // An outage must not make a known immutable tag unresolvable (that would block every apply);
            // the next call asks again because CheckedAt stays old.
            if (immutable && fresh.Transient && _cache.TryGetValue(key, out var known))
            {
                Log.ServingKnownDigest(logger, repository, tag, fresh.Message, known.Resolution.Digest!);
                return known.Resolution;
            }
            return fresh;
        }

        Record(repository, tag, fresh.Digest, now);
        if (!immutable)
        {
            return fresh;
        }

        var firstSeen = ledger.FirstDigestFor(repository, tag) ?? fresh.Digest;
        var resolution = TagResolution.Resolved(fresh.Digest, firstSeen);
        var previous = _cache.TryGetValue(key, out var before) ? before.Resolution.Digest : null;
        if (resolution.Moved && previous != resolution.Digest)
        {
            Log.TagMoved(logger, repository, tag, firstSeen, fresh.Digest);
        }
        _cache[key] = new CachedDigest(resolution, now);
        return resolution;
    }

    private void Record(string repository, string tag, string digest, DateTimeOffset at)
    {
        try
        {
            ledger.Record(repository, tag, digest, at);
        }
        catch (SqliteException exception)
        {
            // A full disk must not stop resolution; the ledger only loses this observation.
            Log.LedgerWriteFailed(logger, exception, repository, tag, digest);
        }
    }

    private sealed record CachedDigest(TagResolution Resolution, DateTimeOffset CheckedAt);
}
