using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.State;

/// <summary>
/// Remembers which digest each repository:tag resolved to. Pulumi deploys <c>repo@sha256:…</c> with
/// the tag dropped, so after a rollback the live spec names only a digest: this ledger gives it its
/// tag back. It also keeps a tag's first digest, so a re-pushed "immutable" tag is noticed even
/// across restarts.
/// Reads come from an in-memory copy loaded at construction (they run on every reconcile);
/// writes go to SQLite first and then to memory, so memory never holds what the disk lacks.
/// Repositories are compared exactly as given: callers pass the same spelling they resolve with.
/// </summary>
public sealed class DigestLedger
{
    private static readonly Regex DefaultImmutableTagPattern = new(DesiredState.DefaultImmutableTagPattern, RegexOptions.CultureInvariant);

    private readonly StateDatabase _database;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Repository, string Tag, string Digest), DigestLedgerEntry> _entries = [];
    private readonly Dictionary<(string Repository, string Digest), List<DigestLedgerEntry>> _byDigest = [];
    private readonly Dictionary<(string Repository, string Tag), List<DigestLedgerEntry>> _byTag = [];

    public DigestLedger(StateDatabase database, ILogger<DigestLedger>? logger = null)
    {
        _database = database;
        foreach (var entry in LoadAll())
        {
            Index(entry);
        }
        Log.LedgerLoaded(logger ?? (ILogger)NullLogger.Instance, _entries.Count);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Notes that <paramref name="tag"/> resolved to <paramref name="digest"/> at <paramref name="at"/>.</summary>
    public void Record(string repository, string tag, string digest, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(repository);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentException.ThrowIfNullOrEmpty(digest);

        lock (_gate)
        {
            if (_entries.TryGetValue((repository, tag, digest), out var known))
            {
                if (at <= known.LastSeen)
                {
                    return;
                }
                var seenAgain = known with { LastSeen = at };
                Write(seenAgain);
                Index(seenAgain);
                return;
            }

            var entry = new DigestLedgerEntry(repository, tag, digest, at, at);
            Write(entry);
            Index(entry);
        }
    }

    /// <summary>
    /// The tag to show for a digest-only image, or null if the digest was never resolved here.
    /// Tags matching <paramref name="immutableTagPattern"/> (the desired-state file's; by default <c>git-…|sha-…</c>)
    /// win over mutable ones like <c>main</c>; among equals the earliest seen, then the ordinal
    /// smallest, so the answer never depends on load order.
    /// </summary>
    public string? TagFor(string repository, string digest, Regex? immutableTagPattern = null)
    {
        var pattern = immutableTagPattern ?? DefaultImmutableTagPattern;
        lock (_gate)
        {
            if (!_byDigest.TryGetValue((repository, digest), out var entries))
            {
                return null;
            }
            return entries
                .OrderByDescending(e => ImmutableTagPolicy.MatchesWhole(pattern, e.Tag))
                .ThenBy(e => e.FirstSeen)
                .ThenBy(e => e.Tag, StringComparer.Ordinal)
                .First()
                .Tag;
        }
    }

    /// <summary>The first digest ever recorded for repository:tag, or null if the tag was never resolved here.</summary>
    public string? FirstDigestFor(string repository, string tag)
    {
        lock (_gate)
        {
            if (!_byTag.TryGetValue((repository, tag), out var entries))
            {
                return null;
            }
            return entries
                .OrderBy(e => e.FirstSeen)
                .ThenBy(e => e.Digest, StringComparer.Ordinal)
                .First()
                .Digest;
        }
    }

    /// <summary>Everything recorded for repository:tag, oldest first.</summary>
    public IReadOnlyList<DigestLedgerEntry> EntriesFor(string repository, string tag)
    {
        lock (_gate)
        {
            return _byTag.TryGetValue((repository, tag), out var entries)
                ? [.. entries.OrderBy(e => e.FirstSeen).ThenBy(e => e.Digest, StringComparer.Ordinal)]
                : [];
        }
    }

    private void Index(DigestLedgerEntry entry)
    {
        var key = (entry.Repository, entry.Tag, entry.Digest);
        if (_entries.TryGetValue(key, out var previous))
        {
            _byDigest[(entry.Repository, entry.Digest)].Remove(previous);
            _byTag[(entry.Repository, entry.Tag)].Remove(previous);
        }
        _entries[key] = entry;
        Add(_byDigest, (entry.Repository, entry.Digest), entry);
        Add(_byTag, (entry.Repository, entry.Tag), entry);
    }

    private static void Add<TKey>(Dictionary<TKey, List<DigestLedgerEntry>> index, TKey key, DigestLedgerEntry entry)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        list.Add(entry);
    }

    private void Write(DigestLedgerEntry entry)
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO digest_ledger (repository, tag, digest, first_seen, last_seen)
            VALUES ($repository, $tag, $digest, $firstSeen, $lastSeen)
            ON CONFLICT (repository, tag, digest) DO UPDATE SET last_seen = excluded.last_seen;
            """;
        command.Parameters.AddWithValue("$repository", entry.Repository);
        command.Parameters.AddWithValue("$tag", entry.Tag);
        command.Parameters.AddWithValue("$digest", entry.Digest);
        command.Parameters.AddWithValue("$firstSeen", StateTime.Format(entry.FirstSeen));
        command.Parameters.AddWithValue("$lastSeen", StateTime.Format(entry.LastSeen));
        command.ExecuteNonQuery();
    }

    private List<DigestLedgerEntry> LoadAll()
    {
        using var connection = _database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT repository, tag, digest, first_seen, last_seen FROM digest_ledger;";
        using var reader = command.ExecuteReader();
        var entries = new List<DigestLedgerEntry>();
        while (reader.Read())
        {
            entries.Add(new DigestLedgerEntry(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                StateTime.Parse(reader.GetString(3)),
                StateTime.Parse(reader.GetString(4))));
        }
        return entries;
    }
}
