using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Host.Tests.Notify;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.WriteBack;

namespace Sprocket.Reconciler.Host.Tests.GitHub;

/// <summary>
/// <c>Reconciler:GitHub:ApiUrl</c> means the same to both GitHub API users: each of the four ways of writing it reaches
/// the REST paths GitHub serves there (api.github.com at the root, GitHub Enterprise Server under /api/v3), checked
/// on the paths the fake receives and the host the client meant.
/// </summary>
public sealed class ApiUrlTests
{
    private const string BaseHead = "aa218f56b14c9653891f9e74264a383fa43fefbd";
    private const string BaseBlob = "3d21ec53a331a6f037a91c368710b99387d012c1";

    public static TheoryData<string, string, string> Addresses => new()
    {
        { "https://github.com", "api.github.com", "" },
        { "https://api.github.com", "api.github.com", "" },
        { "https://ghe.example.org", "ghe.example.org", "/api/v3" },
        { "https://ghe.example.org/api/v3", "ghe.example.org", "/api/v3" },
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task The_notifier_writes_commit_statuses_at_the_REST_root(string apiUrl, string host, string prefix)
    {
        using var github = new GitHubStandIn(pathPrefix: prefix);
        RedirectToFake? redirect = null;
        var settings = github.Settings();
        settings["Reconciler:GitHub:ApiUrl"] = apiUrl;
        await using var harness = await NotifyHarness.StartAsync(settings, services => redirect = RedirectToFake.Install(services, github.Server.Url!));

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Synced, "all services run"));
        var request = Assert.Single(await github.Server.WaitForRequests(1, "the commit status"));

        Assert.Equal($"{prefix}/repos/sprocketbot/desired-state/statuses/{Notifications.Revision}", request.Path);
        Assert.Equal(host, Assert.Single(redirect!.Intended).Host);
        Assert.Equal("https", Assert.Single(redirect.Intended).Scheme);
        await harness.WaitForCount(harness.Sent, "github", NotificationKind.Synced, 1, "the status accepted by the fake");
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task The_write_back_reads_and_writes_at_the_REST_root(string apiUrl, string host, string prefix)
    {
        using var github = new FakeGitHub(pathPrefix: prefix);
        using var scratch = new ScratchDirectory();
        github.Branch("main", BaseHead);
        github.File(BaseHead, WriteBackFixtures.DesiredState(webTag: WriteBackFixtures.GoodTag), BaseBlob);
        RedirectToFake? redirect = null;
        using var sut = WriteBackUnderTest.Create($"https://github.com/{FakeGitHub.Owner}/{FakeGitHub.Repo}.git", scratch.Combine("data"),
            new Dictionary<string, string?> { ["Reconciler:GitHub:Token"] = FakeGitHub.Token, ["Reconciler:GitHub:ApiUrl"] = apiUrl },
            services => redirect = RedirectToFake.Install(services, github.Server.Url!));

        var result = await sut.WriteBack.WriteAsync(WriteBackFixtures.Request(WriteBackMode.PullRequest), CancellationToken.None);

        Assert.Equal(
            [
                $"GET {prefix}/repos/SprocketBot/desired-state/branches/main -> 200",
                $"GET {prefix}/repos/SprocketBot/desired-state/contents/desired-state.yaml?ref={BaseHead} -> 200",
            ],
            github.Requests.Select(r => r.ToString()));
        Assert.IsType<WriteBackResult.NothingToDo>(result);
        Assert.All(redirect!.Intended, uri => Assert.Equal(host, uri.Host));
    }

    [Fact]
    public async Task Unset_the_write_back_uses_the_API_of_the_repository_host()
    {
        using var github = new FakeGitHub(pathPrefix: "/api/v3");
        using var scratch = new ScratchDirectory();
        github.Branch("main", BaseHead);
        github.File(BaseHead, WriteBackFixtures.DesiredState(webTag: WriteBackFixtures.GoodTag), BaseBlob);
        RedirectToFake? redirect = null;
        using var sut = WriteBackUnderTest.Create($"https://ghe.example.org/{FakeGitHub.Owner}/{FakeGitHub.Repo}.git", scratch.Combine("data"),
            new Dictionary<string, string?> { ["Reconciler:GitHub:Token"] = FakeGitHub.Token },
            services => redirect = RedirectToFake.Install(services, github.Server.Url!));

        Assert.IsType<WriteBackResult.NothingToDo>(
            await sut.WriteBack.WriteAsync(WriteBackFixtures.Request(WriteBackMode.PullRequest), CancellationToken.None));
        Assert.All(redirect!.Intended, uri => Assert.StartsWith("https://ghe.example.org/api/v3/repos/SprocketBot/desired-state/", uri.AbsoluteUri));
    }

    [Theory]
    [InlineData("ghe.example.org")]
    [InlineData("https://user:secret@ghe.example.org")]
    public void A_bad_address_fails_the_options_check_of_both_users_naming_the_key_and_not_the_value(string apiUrl)
    {
        var settings = new Dictionary<string, string?> { ["Reconciler:GitHub:Token"] = FakeGitHub.Token, ["Reconciler:GitHub:ApiUrl"] = apiUrl };

        var notifier = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => NotifyHarness.Build(settings).Dispose());
        using var writeBack = WriteBackUnderTest.Create("https://github.com/SprocketBot/desired-state.git", "/tmp/unused", settings);
        var writer = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => writeBack.Get<Microsoft.Extensions.Options.IOptions<Sprocket.Reconciler.GitHub.GitHubApiOptions>>().Value);

        foreach (var error in new[] { notifier.Message, writer.Message })
        {
            Assert.Contains("Reconciler:GitHub:ApiUrl must be an absolute http or https URL", error);
            Assert.DoesNotContain("secret", error);
        }
    }
}
