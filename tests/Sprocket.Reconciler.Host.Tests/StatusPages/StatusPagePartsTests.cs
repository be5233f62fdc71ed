using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.StatusPages;

namespace Sprocket.Reconciler.Host.Tests.StatusPages;

/// <summary>The small pure parts of the status pages: ages, shell quoting, links out, the dashboard option.</summary>
public sealed class StatusPagePartsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 3, 12, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.4, "just now")]
    [InlineData(42, "42 s ago")]
    [InlineData(200, "3 min 20 s ago")]
    [InlineData(720, "12 min ago")]
    [InlineData(3 * 3600 + 12 * 60, "3 h 12 min ago")]
    [InlineData(2 * 86400 + 5 * 3600, "2 d 5 h ago")]
    [InlineData(-200, "in 3 min 20 s")]
    public void Ages_read_at_a_glance(double secondsAgo, string expected) =>
        Assert.Equal(expected, Age.Describe(Now.AddSeconds(-secondsAgo), Now));

    [Fact]
    public void Instants_are_iso_8601_utc_to_the_second() =>
        Assert.Equal("2026-11-30T02:12:00Z", Age.Iso(new DateTimeOffset(2026, 11, 30, 4, 12, 0, TimeSpan.FromHours(2))));

    [Theory]
    [InlineData("platform-prod", "platform-prod")]
    [InlineData("https://x.example/api/v1/stacks/a%20b/hold", "https://x.example/api/v1/stacks/a%20b/hold")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's $HOME; rm -rf /", "'it'\\''s $HOME; rm -rf /'")]
    public void Shell_words_are_quoted_only_when_needed(string word, string expected) =>
        Assert.Equal(expected, OperatorCommands.Quote(word));

    [Theory]
    [InlineData("https://github.com/SprocketBot/desired-state.git", "https://github.com/SprocketBot/desired-state/commit/0123456789abcdef")]
    [InlineData("https://github.com/SprocketBot/desired-state", "https://github.com/SprocketBot/desired-state/commit/0123456789abcdef")]
    [InlineData("/srv/git/desired", null)]
    [InlineData("https://git.example.org/SprocketBot/desired-state.git", null)]
    public void A_written_back_commit_is_linked_on_github_only(string repository, string? expected) =>
        Assert.Equal(expected, StatusPageViews.WriteBackLink(new WriteBackRecord(WriteBackKind.Commit, "0123456789abcdef", Now), repository));

    [Fact]
    public void A_pull_request_is_linked_as_it_is_and_a_reason_not_at_all()
    {
        Assert.Equal("https://github.com/o/r/pull/7", StatusPageViews.WriteBackLink(new WriteBackRecord(WriteBackKind.PullRequest, "https://github.com/o/r/pull/7", Now), null));
        Assert.Null(StatusPageViews.WriteBackLink(new WriteBackRecord(WriteBackKind.Failed, "push refused", Now), "https://github.com/o/r"));
        Assert.Null(StatusPageViews.WriteBackLink(new WriteBackRecord(WriteBackKind.PullRequest, "javascript:alert(1)", Now), null));
    }

    [Theory]
    [InlineData("https://grafana.example.org/d/abc/drift", "https://grafana.example.org/d/abc/drift?var-stack=a%20b")]
    [InlineData("https://grafana.example.org/d/abc/drift?orgId=1", "https://grafana.example.org/d/abc/drift?orgId=1&var-stack=a%20b")]
    public void The_dashboard_link_sets_the_stack_variable(string dashboard, string expected) =>
        Assert.Equal(expected, DashboardLinks.ForStack(dashboard, "a b"));

    [Theory]
    [InlineData("ghcr.io/sprocketbot/web:git-abc1234@sha256:0123456789abcdef0123", "git-abc1234@sha256:0123456789ab…")]
    [InlineData("127.0.0.1:5555/web:git-abc1234", "git-abc1234")]
    [InlineData("web", "web")]
    public void Images_are_cut_to_tag_and_digest(string image, string expected) => Assert.Equal(expected, ImageRef.Cut(image));

    [Theory]
    [InlineData(null, true)]
    [InlineData("https://grafana.example.org/d/abc/drift?orgId=1", true)]
    [InlineData("http://grafana:3000/d/abc", true)]
    [InlineData("grafana.example.org/d/abc", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("https://grafana.example.org/d/abc#panel", false)]
    public void The_dashboard_url_must_be_an_absolute_http_link(string? url, bool valid)
    {
        var result = new GrafanaOptionsValidator().Validate(null, new GrafanaOptions { DashboardUrl = url });

        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Reconciler:Grafana:DashboardUrl", result.FailureMessage);
    }
}
