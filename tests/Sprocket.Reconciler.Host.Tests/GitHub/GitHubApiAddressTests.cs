using Sprocket.Reconciler.GitHub;
using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.GitHub;

/// <summary>
/// The one meaning of <c>Reconciler:GitHub:ApiUrl</c>, as Octokit's own <c>GitHubClient(…, baseAddress)</c>
/// (octokit/octokit.net v14.0.0, Octokit/GitHubClient.cs FixUpBaseUri) maps it: github.com and api.github.com are
/// https://api.github.com/, any other host serves the API under /api/v3/ (GitHub Enterprise Server). Unlike
/// Octokit, an address already ending in /api/v3 is kept rather than rebuilt, and a trailing '/' is always there
/// (Octokit's Connection resolves relative paths under the root only then).
/// </summary>
public sealed class GitHubApiAddressTests
{
    [Theory]
    [InlineData("https://github.com", "https://api.github.com/")]
    [InlineData("https://github.com/", "https://api.github.com/")]
    [InlineData("https://GitHub.com", "https://api.github.com/")]
    [InlineData("https://api.github.com", "https://api.github.com/")]
    [InlineData("https://api.github.com/", "https://api.github.com/")]
    [InlineData("https://ghe.example.org", "https://ghe.example.org/api/v3/")]
    [InlineData("https://ghe.example.org/", "https://ghe.example.org/api/v3/")]
    [InlineData("https://ghe.example.org/api/v3", "https://ghe.example.org/api/v3/")]
    [InlineData("https://ghe.example.org/api/v3/", "https://ghe.example.org/api/v3/")]
    [InlineData("https://ghe.example.org/API/V3", "https://ghe.example.org/API/V3/")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v3/")]
    [InlineData("https://ghe.example.org:8443/api/v3", "https://ghe.example.org:8443/api/v3/")]
    [InlineData("https://octocorp.ghe.com", "https://api.octocorp.ghe.com/")]
    [InlineData("https://api.octocorp.ghe.com/", "https://api.octocorp.ghe.com/")]
    public void A_configured_address_becomes_the_REST_root(string configured, string root) =>
        Assert.Equal(new Uri(root), GitHubApiAddress.Normalize(configured));

    [Theory]
    [InlineData("https://github.com/SprocketBot/desired-state.git", "https://api.github.com/")]
    [InlineData("https://ghe.example.org/platform/desired.git", "https://ghe.example.org/api/v3/")]
    [InlineData("https://octocorp.ghe.com/platform/desired.git", "https://api.octocorp.ghe.com/")]
    public void Unset_the_repository_host_decides(string repository, string root) =>
        Assert.Equal(new Uri(root), GitHubApiAddress.For(GitHubRepository.TryParse(repository)!, configured: null));

    [Fact]
    public void A_configured_address_wins_over_the_repository_host() =>
        Assert.Equal(new Uri("https://ghe.example.org/api/v3/"),
            GitHubApiAddress.For(GitHubRepository.TryParse("https://github.com/o/r")!, "https://ghe.example.org"));

    [Theory]
    [InlineData("ghe.example.org")]
    [InlineData("ftp://ghe.example.org")]
    [InlineData("https://user:pw@ghe.example.org")]
    [InlineData("https://ghe.example.org/api/v3?x=1")]
    [InlineData("https://ghe.example.org/#api")]
    public void Anything_else_is_refused(string configured)
    {
        Assert.False(GitHubApiAddress.IsValid(configured));
        Assert.Throws<ArgumentException>(() => GitHubApiAddress.Normalize(configured));
    }
}
