using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.IntegrationTests.Registry;

/// <summary>The registry client against a real Distribution registry, images pushed over its HTTP API.</summary>
public sealed class RegistryClientTests(RegistriesFixture registries) : IClassFixture<RegistriesFixture>
{
    [Fact]
    public async Task Resolving_a_tag_returns_the_digest_the_registry_gave_on_push()
    {
        var pushed = await registries.Open.Pusher().PushImageAsync("sprocketbot/web", "git-aaa1111", "resolve");
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync($"{registries.Open.Host}/sprocketbot/web", "git-aaa1111", CancellationToken.None);

        Assert.True(resolution.IsResolved, resolution.ToString());
        Assert.Equal(pushed.Digest, resolution.Digest);
        Assert.False(resolution.Moved);
    }

    [Fact]
    public async Task An_oci_image_tag_resolves_to_its_own_manifest_digest()
    {
        var pushed = await registries.Open.Pusher().PushImageAsync("sprocketbot/oci", "sha-0ci0ci0", "oci single", oci: true);
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync($"{registries.Open.Host}/sprocketbot/oci", "sha-0ci0ci0", CancellationToken.None);

        Assert.Equal(pushed.Digest, resolution.Digest);
    }

    [Fact]
    public async Task A_multi_platform_tag_resolves_to_the_index_digest_not_a_platform_manifest()
    {
        var pusher = registries.Open.Pusher();
        var amd64 = await pusher.PushImageAsync("sprocketbot/multi", "amd64-only", "amd64");
        var arm64 = await pusher.PushImageAsync("sprocketbot/multi", "arm64-only", "arm64");
        var index = await pusher.PushIndexAsync("sprocketbot/multi", "sha-1de41de4", amd64, arm64);
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync($"{registries.Open.Host}/sprocketbot/multi", "sha-1de41de4", CancellationToken.None);

        Assert.Equal(index.Digest, resolution.Digest);
        Assert.NotEqual(amd64.Digest, resolution.Digest);
    }

    [Fact]
    public async Task An_unknown_tag_is_NotFound()
    {
        await registries.Open.Pusher().PushImageAsync("sprocketbot/api", "git-bbb2222", "exists");
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var missingTag = await host.Client.ResolveAsync($"{registries.Open.Host}/sprocketbot/api", "git-ccc3333", CancellationToken.None);
        var missingRepository = await host.Client.ResolveAsync($"{registries.Open.Host}/sprocketbot/never-pushed", "git-bbb2222", CancellationToken.None);

        Assert.Equal(RegistryFailureKind.NotFound, missingTag.Failure);
        Assert.Contains("sprocketbot/api:git-ccc3333", missingTag.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryFailureKind.NotFound, missingRepository.Failure);
    }

    [Fact]
    public async Task Basic_auth_registry_resolves_with_configured_credentials()
    {
        var registry = registries.WithBasicAuth;
        var pushed = await registry.Pusher().PushImageAsync("sprocketbot/private", "git-ddd4444", "basic");
        using var host = new RegistryTestHost(RegistryTestHost.Credentials(registry.Host, RegistriesFixture.User, RegistriesFixture.Password));

        var first = await host.Client.ResolveAsync($"{registry.Host}/sprocketbot/private", "git-ddd4444", CancellationToken.None);
        var second = await host.Client.ResolveAsync($"{registry.Host}/sprocketbot/private", "git-ddd4444", CancellationToken.None);

        Assert.Equal(pushed.Digest, first.Digest);
        Assert.Equal(pushed.Digest, second.Digest);
        Assert.DoesNotContain(RegistriesFixture.Password, host.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_registry_without_credentials_is_Unauthorized()
    {
        var registry = registries.WithBasicAuth;
        await registry.Pusher().PushImageAsync("sprocketbot/private", "git-eee5555", "basic anonymous");
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync($"{registry.Host}/sprocketbot/private", "git-eee5555", CancellationToken.None);

        Assert.Equal(RegistryFailureKind.Unauthorized, resolution.Failure);
        Assert.Contains("Basic credentials", resolution.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_auth_registry_with_a_wrong_password_is_Unauthorized_and_the_password_is_never_shown()
    {
        const string wrongPassword = "not-the-Right-one-42";
        var registry = registries.WithBasicAuth;
        await registry.Pusher().PushImageAsync("sprocketbot/private", "git-fff6666", "basic wrong");
        using var host = new RegistryTestHost(RegistryTestHost.Credentials(registry.Host, RegistriesFixture.User, wrongPassword));

        var resolution = await host.Client.ResolveAsync($"{registry.Host}/sprocketbot/private", "git-fff6666", CancellationToken.None);

        Assert.Equal(RegistryFailureKind.Unauthorized, resolution.Failure);
        Assert.DoesNotContain(wrongPassword, resolution.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, host.AllLogText(), StringComparison.Ordinal);
        Assert.NotEmpty(host.Logs.GetSnapshot());
    }

    [Fact]
    public async Task A_registry_nobody_listens_on_is_Unreachable()
    {
        var port = DistributionRegistry.FreeLoopbackPort();
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync($"127.0.0.1:{port}/sprocketbot/web", "git-aaa1111", CancellationToken.None);

        Assert.Equal(RegistryFailureKind.Unreachable, resolution.Failure);
    }

    [Fact]
    public async Task Listing_tags_returns_every_pushed_tag_and_stops_at_the_bound()
    {
        var pusher = registries.Open.Pusher();
        string[] pushed = ["git-1000001", "git-1000002", "git-1000003", "git-1000004", "git-1000005"];
        foreach (var tag in pushed)
        {
            await pusher.PushImageAsync("sprocketbot/tags", tag, tag);
        }
        using var host = new RegistryTestHost(new Dictionary<string, string?> { ["Reconciler:Registry:TagListPageSize"] = "2" });
        var repository = $"{registries.Open.Host}/sprocketbot/tags";

        var all = await host.Client.ListTagsAsync(repository, 100, CancellationToken.None);
        var bounded = await host.Client.ListTagsAsync(repository, 3, CancellationToken.None);

        Assert.Equal(pushed, all.Order(StringComparer.Ordinal));
        Assert.Equal(3, bounded.Count);
        Assert.Subset(pushed.ToHashSet(), bounded.ToHashSet());
    }

    [Fact]
    public async Task Listing_tags_of_an_unknown_repository_throws_NotFound()
    {
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var failure = await Assert.ThrowsAsync<RegistryRequestException>(
            () => host.Client.ListTagsAsync($"{registries.Open.Host}/sprocketbot/no-such-repo", 10, CancellationToken.None));

        Assert.Equal(RegistryFailureKind.NotFound, failure.Kind);
    }
}
