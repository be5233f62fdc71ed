using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>The pure parts: the desired-state repository's GitHub identity, and text limits.</summary>
public sealed class NotificationRecordTests
{
    [Theory]
    [InlineData("https://github.com/SprocketBot/desired-state", "github.com", "SprocketBot", "desired-state")]
    [InlineData("https://github.com/SprocketBot/desired-state.git", "github.com", "SprocketBot", "desired-state")]
    [InlineData("https://github.com/SprocketBot/desired-state/", "github.com", "SprocketBot", "desired-state")]
    [InlineData("https://x-access-token:ghp_abc@GitHub.com/o/r.git", "github.com", "o", "r")]
    [InlineData("https://ghe.example.org/ops/stacks.v2", "ghe.example.org", "ops", "stacks.v2")]
    public void An_https_repository_URL_names_owner_and_repository(string url, string host, string owner, string name) =>
        Assert.Equal(new GitHubRepository(host, owner, name), GitHubRepository.TryParse(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/srv/desired-state")]
    [InlineData("file:///srv/desired-state")]
    [InlineData("git@github.com:o/r.git")]
    [InlineData("http://github.com/o/r")]
    [InlineData("https://github.com/o")]
    [InlineData("https://github.com/o/r/tree/main")]
    [InlineData("https://github.com/o/r?x=1")]
    [InlineData("https://github.com/o/%2e%2e")]
    public void Anything_else_is_not_a_GitHub_repository(string? url) => Assert.Null(GitHubRepository.TryParse(url));

    [Fact]
    public void Truncation_keeps_the_limit_and_never_splits_a_surrogate_pair()
    {
        Assert.Equal("short", NotificationText.Truncate("short", 140));
        Assert.Equal("abcd…", NotificationText.Truncate("abcdefgh", 5));
        var emoji = "abc\U0001F680def";
        var cut = NotificationText.Truncate(emoji, 5);
        Assert.Equal("abc…", cut);
        Assert.True(cut.Length <= 5);
    }

    [Fact]
    public void Every_kind_has_its_own_headline_and_deploy_kinds_share_the_deploy_event()
    {
        var headlines = NotificationKind.All.Select(kind => NotificationText.Headline(Notifications.Of(kind))).ToArray();
        Assert.Equal(headlines.Length, headlines.Distinct().Count());
        Assert.Equal(["deploy", "deploy", "deploy", "emergency-rollback", "hold", "realign", "drift", "synced"],
            NotificationKind.All.Select(NotificationKind.EventOf));
    }
}
