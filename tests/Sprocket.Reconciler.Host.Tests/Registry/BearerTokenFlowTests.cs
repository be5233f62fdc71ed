using System.Text;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Host.Tests.Registry;

/// <summary>The GHCR-style Bearer challenge, against <see cref="GhcrLikeRegistry"/> (GHCR itself is out of reach here).</summary>
public sealed class BearerTokenFlowTests
{
    private const string User = "sprocket-bot";
    private const string Password = "ghp_Pat0fTheBot0000000000000000000000";
    private const string Token = "djE6c3Byb2NrZXRib3Qvd2ViOjE3MDAwMDAwMDA=";

    [Fact]
    public async Task Credentials_buy_a_token_that_unlocks_the_manifest_and_none_of_them_is_ever_logged()
    {
        using var ghcr = new GhcrLikeRegistry(Token, (User, Password));
        using var host = new RegistryTestHost(RegistryTestHost.Credentials(ghcr.Host, User, Password));

        var resolution = await host.Client.ResolveAsync(ghcr.Repository, GhcrLikeRegistry.Tag, CancellationToken.None);

        Assert.True(resolution.IsResolved, resolution.ToString());
        Assert.Equal(GhcrLikeRegistry.Digest, resolution.Digest);
        Assert.Equal(1, ghcr.GrantedTokenRequests);
        var logs = host.AllLogText();
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 4004); // the token fetch was logged, at Trace capture level
        Assert.DoesNotContain(Password, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")), logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_is_reused_until_expires_in_runs_out()
    {
        using var ghcr = new GhcrLikeRegistry(Token, (User, Password), expiresInSeconds: 300);
        using var host = new RegistryTestHost(RegistryTestHost.Credentials(ghcr.Host, User, Password));

        await host.Client.ResolveAsync(ghcr.Repository, GhcrLikeRegistry.Tag, CancellationToken.None);
        host.Time.Advance(TimeSpan.FromSeconds(200));
        var reused = await host.Client.ResolveAsync(ghcr.Repository, GhcrLikeRegistry.Tag, CancellationToken.None);
        Assert.Equal(1, ghcr.TokenRequests);

        host.Time.Advance(TimeSpan.FromSeconds(100));
        var renewed = await host.Client.ResolveAsync(ghcr.Repository, GhcrLikeRegistry.Tag, CancellationToken.None);

        Assert.Equal(GhcrLikeRegistry.Digest, reused.Digest);
        Assert.Equal(GhcrLikeRegistry.Digest, renewed.Digest);
        Assert.Equal(2, ghcr.GrantedTokenRequests);
    }

    [Fact]
    public async Task Without_credentials_the_token_is_asked_for_anonymously_and_access_token_is_accepted()
    {
        using var ghcr = new GhcrLikeRegistry(Token, credentials: null, tokenProperty: "access_token");
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync(ghcr.Repository, GhcrLikeRegistry.Tag, CancellationToken.None);

        Assert.Equal(GhcrLikeRegistry.Digest, resolution.Digest);
        Assert.Equal(1, ghcr.GrantedTokenRequests);
    }

    [Fact]
    public async Task Wrong_credentials_are_Unauthorized_and_the_message_holds_no_secret()
    {
        const string wrongPassword = "ghp_WrongWrongWrong000000000000000000";
        using var ghcr = new GhcrLikeRegistry(Token, (User, Password));
        using var host = new RegistryTestHost(RegistryTestHost.Credentials(ghcr.Host, User, wrongPassword));

        var resolution = await host.Client.ResolveAsync(ghcr.Repository, GhcrLikeRegistry.Tag, CancellationToken.None);

        Assert.Equal(RegistryFailureKind.Unauthorized, resolution.Failure);
        Assert.Contains("token endpoint", resolution.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, resolution.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, host.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_tag_behind_the_token_is_NotFound()
    {
        using var ghcr = new GhcrLikeRegistry(Token, (User, Password));
        using var host = new RegistryTestHost(RegistryTestHost.Credentials(ghcr.Host, User, Password));

        var resolution = await host.Client.ResolveAsync(ghcr.Repository, "sha-000000000000", CancellationToken.None);

        Assert.Equal(RegistryFailureKind.NotFound, resolution.Failure);
    }

    [Fact]
    public async Task Credentials_are_never_sent_to_a_plain_http_token_endpoint_on_another_host()
    {
        using var ghcr = new GhcrLikeRegistry(Token, (User, Password), realm: "http://auth.example.invalid/token");
        using var host = new RegistryTestHost(RegistryTestHost.Credentials(ghcr.Host, User, Password));

        var resolution = await host.Client.ResolveAsync(ghcr.Repository, GhcrLikeRegistry.Tag, CancellationToken.None);

        Assert.Equal(RegistryFailureKind.Unauthorized, resolution.Failure);
        Assert.Contains("refusing", resolution.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tag_lists_follow_Link_pages_with_the_token_and_stop_at_the_bound()
    {
        using var ghcr = new GhcrLikeRegistry(Token, (User, Password));
        string[] tags = ["sha-0000001", "sha-0000002", "sha-0000003", "sha-0000004", "sha-0000005"];
        ghcr.AddTagPages(2, tags);
        var settings = RegistryTestHost.Credentials(ghcr.Host, User, Password);
        settings["Reconciler:Registry:TagListPageSize"] = "2";
        using var host = new RegistryTestHost(settings);

        var all = await host.Client.ListTagsAsync(ghcr.Repository, 100, CancellationToken.None);
        Assert.Equal(tags, all);
        Assert.Equal(3, ghcr.TagPageRequests);

        var bounded = await host.Client.ListTagsAsync(ghcr.Repository, 3, CancellationToken.None);
        Assert.Equal(tags[..3], bounded);
        Assert.Equal(3 + 2, ghcr.TagPageRequests);
    }
}
