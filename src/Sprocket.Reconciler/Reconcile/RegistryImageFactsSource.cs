using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Registry;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Resolves every tag the desired state names (cached by <see cref="ITagResolver"/>, so an event-triggered
/// evaluation costs no registry round trip) and teaches the ledger the tag@digest pairs live specs carry,
/// so that a later digest-only spec — a rollback to what Pulumi wrote — can be named by its tag.
/// Repositories are normalized the way Docker resolves them, so every feature spells them alike.
/// </summary>
public sealed class RegistryImageFactsSource(ITagResolver resolver, DigestLedger ledger, TimeProvider time) : IImageFactsSource
{
    private const int ParallelLookups = 8;

    public async Task<IImageFacts> GatherAsync(DesiredState desired, IReadOnlyList<LiveService> live, CancellationToken cancellationToken)
    {
        var pattern = ImmutableTagPolicy.Pattern(desired.ImmutableTagPattern);
        LearnFromLiveSpecs(live);

        var wanted = desired.Stacks
            .SelectMany(s => s.Services.Select(x => (x.Repository, Tag: s.ImageTag)).Concat(s.ObserveOnly.Select(o => (o.Repository, o.Tag))))
            .Select(x => (Repository: ImageReferenceParser.Normalize(x.Repository), x.Tag))
            .Distinct()
            .ToList();

        var lookups = new ConcurrentDictionary<(string, string), TagLookup>();
        await Parallel.ForEachAsync(wanted, new ParallelOptions { MaxDegreeOfParallelism = ParallelLookups, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                var resolution = await resolver.ResolveAsync(item.Repository, item.Tag, pattern, ct);
                if (ToLookup(resolution) is { } lookup) lookups[item] = lookup;
            });
        return new Snapshot(lookups, ledger, pattern);
    }

    private void LearnFromLiveSpecs(IReadOnlyList<LiveService> live)
    {
        var now = time.GetUtcNow();
        foreach (var image in live.SelectMany(s => new[] { s.Image, s.PreviousImage }))
        {
            if (image is { Tag: { } tag, Digest: { } digest })
            {
                var repository = ImageReferenceParser.Normalize(image.Repository);
                if (ledger.TagFor(repository, digest) is not null) continue;
                try
                {
                    ledger.Record(repository, tag, digest, now);
                }
                catch (Microsoft.Data.Sqlite.SqliteException)
                {
                    // A state database that refuses writes must not fail the look (it would read as Docker unreachable):
                    // the ledger only misses this observation, and the loop reports the database through its own writes.
                }
            }
        }
    }

    /// <summary>A missing or forbidden tag makes the stack invalid; an unreachable registry only leaves it unknown.</summary>
    private static TagLookup? ToLookup(TagResolution resolution) => resolution switch
    {
        { IsResolved: true } => TagLookup.Resolved(resolution.Digest!, resolution.Moved),
        { Failure: RegistryFailureKind.NotFound or RegistryFailureKind.Unauthorized } => TagLookup.Unresolvable(resolution.Message ?? resolution.Failure.ToString()!),
        _ => null,
    };

    private sealed class Snapshot(ConcurrentDictionary<(string, string), TagLookup> lookups, DigestLedger ledger, Regex pattern) : IImageFacts
    {
        public TagLookup? Resolve(string repository, string tag) =>
            lookups.GetValueOrDefault((ImageReferenceParser.Normalize(repository), tag));

        public string? TagOf(string repository, string digest) => ledger.TagFor(ImageReferenceParser.Normalize(repository), digest, pattern);
    }
}
