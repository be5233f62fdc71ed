using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.State;

public sealed class DigestLedgerTests : IDisposable
{
    private const string Web = "ghcr.io/sprocketbot/web";
    private const string DigestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string DigestB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private readonly TempDataDirectory _data = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void What_was_recorded_survives_reopening_the_database()
    {
        var ledger = Open();
        ledger.Record(Web, "sha-1111111", DigestA, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(5));
        ledger.Record(Web, "sha-1111111", DigestB, _time.GetUtcNow());
        ledger.Record(Web, "sha-1111111", DigestA, _time.GetUtcNow());

        var reopened = Open();

        Assert.Equal(2, reopened.Count);
        Assert.Equal("sha-1111111", reopened.TagFor(Web, DigestA));
        Assert.Equal(DigestA, reopened.FirstDigestFor(Web, "sha-1111111"));
        var entries = reopened.EntriesFor(Web, "sha-1111111");
        Assert.Equal([DigestA, DigestB], entries.Select(e => e.Digest));
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromMinutes(5), entries[0].FirstSeen);
        Assert.Equal(_time.GetUtcNow(), entries[0].LastSeen);
    }

    [Fact]
    public void An_immutable_tag_names_a_digest_before_a_mutable_one_even_when_seen_later()
    {
        var ledger = Open();
        ledger.Record(Web, "main", DigestA, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(1));
        ledger.Record(Web, "sha-2222222", DigestA, _time.GetUtcNow());

        Assert.Equal("sha-2222222", ledger.TagFor(Web, DigestA));
        Assert.Equal("main", ledger.TagFor(Web, DigestA, new Regex("^v[0-9]+$")));
    }

    [Fact]
    public void Among_equal_tags_the_answer_is_the_earliest_seen_then_ordinal_whatever_the_recording_order()
    {
        var at = _time.GetUtcNow();
        var forward = Open();
        forward.Record(Web, "sha-3333333", DigestA, at);
        forward.Record(Web, "git-3333333", DigestA, at);
        forward.Record(Web, "sha-0000000", DigestA, at + TimeSpan.FromSeconds(1));

        Assert.Equal("git-3333333", forward.TagFor(Web, DigestA));
        Assert.Equal("git-3333333", Open().TagFor(Web, DigestA));
    }

    [Fact]
    public void Unknown_digests_and_tags_and_other_repositories_have_no_answer()
    {
        var ledger = Open();
        ledger.Record(Web, "sha-4444444", DigestA, _time.GetUtcNow());

        Assert.Null(ledger.TagFor(Web, DigestB));
        Assert.Null(ledger.TagFor("ghcr.io/sprocketbot/api", DigestA));
        Assert.Null(ledger.FirstDigestFor(Web, "sha-5555555"));
    }

    private DigestLedger Open() => new(StateDatabase.Open(_data.Path, StateMigrations.All, _time));

    public void Dispose() => _data.Dispose();
}
