using System.Text.RegularExpressions;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.IntegrationTests.Registry;

/// <summary>Tag caching, re-checking and tag-moved detection, against a real registry where the test re-pushes tags.</summary>
public sealed class CachingTagResolverTests(RegistriesFixture registries) : IClassFixture<RegistriesFixture>
{
    private static readonly Regex Immutable = new(DesiredState.DefaultImmutableTagPattern);

    [Fact]
    public async Task A_re_pushed_immutable_tag_is_reported_moved_after_the_recheck_interval_and_not_before()
    {
        var pusher = registries.Open.Pusher();
        var repository = $"{registries.Open.Host}/sprocketbot/moved";
        var original = await pusher.PushImageAsync("sprocketbot/moved", "sha-abc1234", "original");
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var first = await host.Resolver.ResolveAsync(repository, "sha-abc1234", Immutable, CancellationToken.None);
        var repushed = await pusher.PushImageAsync("sprocketbot/moved", "sha-abc1234", "re-pushed by a careless CI");
        host.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var beforeRecheck = await host.Resolver.ResolveAsync(repository, "sha-abc1234", Immutable, CancellationToken.None);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        var afterRecheck = await host.Resolver.ResolveAsync(repository, "sha-abc1234", Immutable, CancellationToken.None);

        Assert.Equal(original.Digest, first.Digest);
        Assert.False(first.Moved);
        Assert.Equal(original.Digest, beforeRecheck.Digest);
        Assert.False(beforeRecheck.Moved);
        Assert.Equal(repushed.Digest, afterRecheck.Digest);
        Assert.Equal(original.Digest, afterRecheck.FirstSeenDigest);
        Assert.True(afterRecheck.Moved);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 4003);
        Assert.Equal([original.Digest, repushed.Digest], host.Ledger.EntriesFor(repository, "sha-abc1234").Select(e => e.Digest));
    }

    [Fact]
    public async Task The_recheck_interval_comes_from_configuration()
    {
        var pusher = registries.Open.Pusher();
        var repository = $"{registries.Open.Host}/sprocketbot/interval";
        await pusher.PushImageAsync("sprocketbot/interval", "git-1a2b3c4", "one");
        using var host = new RegistryTestHost(new Dictionary<string, string?> { ["Reconciler:Registry:TagRecheckInterval"] = "00:01:00" });

        await host.Resolver.ResolveAsync(repository, "git-1a2b3c4", Immutable, CancellationToken.None);
        var repushed = await pusher.PushImageAsync("sprocketbot/interval", "git-1a2b3c4", "two");
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var afterOneMinute = await host.Resolver.ResolveAsync(repository, "git-1a2b3c4", Immutable, CancellationToken.None);

        Assert.Equal(repushed.Digest, afterOneMinute.Digest);
        Assert.True(afterOneMinute.Moved);
    }

    [Fact]
    public async Task A_move_is_still_caught_after_a_restart_because_the_first_digest_is_in_the_ledger()
    {
        var pusher = registries.Open.Pusher();
        var repository = $"{registries.Open.Host}/sprocketbot/restart";
        var original = await pusher.PushImageAsync("sprocketbot/restart", "git-5e5e5e5", "before restart");
        var dataDirectory = Directory.CreateTempSubdirectory("sprocket-state-").FullName;
        try
        {
            using (var before = new RegistryTestHost(new Dictionary<string, string?>(), dataDirectory: dataDirectory))
            {
                await before.Resolver.ResolveAsync(repository, "git-5e5e5e5", Immutable, CancellationToken.None);
            }
            var repushed = await pusher.PushImageAsync("sprocketbot/restart", "git-5e5e5e5", "while we were down");

            using var after = new RegistryTestHost(new Dictionary<string, string?>(), dataDirectory: dataDirectory);
            var resolution = await after.Resolver.ResolveAsync(repository, "git-5e5e5e5", Immutable, CancellationToken.None);

            Assert.Equal(repushed.Digest, resolution.Digest);
            Assert.Equal(original.Digest, resolution.FirstSeenDigest);
            Assert.True(resolution.Moved);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_mutable_tag_is_never_cached_and_never_reported_moved()
    {
        var pusher = registries.Open.Pusher();
        var repository = $"{registries.Open.Host}/sprocketbot/legacy";
        var first = await pusher.PushImageAsync("sprocketbot/legacy", "master", "first master");
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var before = await host.Resolver.ResolveAsync(repository, "master", Immutable, CancellationToken.None);
        var second = await pusher.PushImageAsync("sprocketbot/legacy", "master", "second master");
        var after = await host.Resolver.ResolveAsync(repository, "master", Immutable, CancellationToken.None);

        Assert.Equal(first.Digest, before.Digest);
        Assert.Equal(second.Digest, after.Digest);
        Assert.False(after.Moved);
    }

    [Fact]
    public async Task Resolutions_name_digest_only_images_through_the_ledger()
    {
        var pusher = registries.Open.Pusher();
        var repository = $"{registries.Open.Host}/sprocketbot/named";
        var image = await pusher.PushImageAsync("sprocketbot/named", "sha-9f9f9f9", "named");
        await pusher.PushImageAsync("sprocketbot/named", "main", "named"); // same content: same digest under a mutable tag
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        await host.Resolver.ResolveAsync(repository, "main", Immutable, CancellationToken.None);
        host.Time.Advance(TimeSpan.FromSeconds(5));
        await host.Resolver.ResolveAsync(repository, "sha-9f9f9f9", Immutable, CancellationToken.None);

        Assert.Equal("sha-9f9f9f9", host.Ledger.TagFor(repository, image.Digest, Immutable));
    }

    [Fact]
    public async Task A_registry_outage_keeps_serving_a_known_immutable_digest_but_a_never_seen_tag_fails()
    {
        var registry = await DistributionRegistry.StartAsync();
        var repository = $"{registry.Host}/sprocketbot/outage";
        PushedManifest pushed;
        using var host = new RegistryTestHost(new Dictionary<string, string?>());
        try
        {
            pushed = await registry.Pusher().PushImageAsync("sprocketbot/outage", "git-0a0a0a0", "outage");
            await host.Resolver.ResolveAsync(repository, "git-0a0a0a0", Immutable, CancellationToken.None);
        }
        finally
        {
            await registry.DisposeAsync();
        }
        host.Time.Advance(TimeSpan.FromHours(1));

        var known = await host.Resolver.ResolveAsync(repository, "git-0a0a0a0", Immutable, CancellationToken.None);
        var unknown = await host.Resolver.ResolveAsync(repository, "git-0b0b0b0", Immutable, CancellationToken.None);

        Assert.Equal(pushed.Digest, known.Digest);
        Assert.Equal(RegistryFailureKind.Unreachable, unknown.Failure);
    }
}
