using Microsoft.Extensions.Options;
using Sprocket.Reconciler.GitHub;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.WriteBack;

namespace Sprocket.Reconciler.Host.Tests.WriteBack;

/// <summary>Options validation, the wiring's start-up check, and the GitHub repository names read from clone URLs.</summary>
public sealed class WriteBackOptionsTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        var options = new WriteBackOptions();

        Assert.Equal(("Sprocket Reconciler", "reconciler@sprocket.invalid", 3), (options.AuthorName, options.AuthorEmail, options.MaxPushAttempts));
        Assert.True(new WriteBackOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("", "bot@example.com", 3, "Reconciler:WriteBack:AuthorName")]
    [InlineData("Bot <evil>", "bot@example.com", 3, "Reconciler:WriteBack:AuthorName")]
    [InlineData("Bot", "not-an-address", 3, "Reconciler:WriteBack:AuthorEmail")]
    [InlineData("Bot", "bot@example.com\n", 3, "Reconciler:WriteBack:AuthorEmail")]
    [InlineData("Bot", "bot@example.com", 0, "Reconciler:WriteBack:MaxPushAttempts")]
    public void InvalidValues_NameTheirKey(string name, string email, int attempts, string key)
    {
        var result = new WriteBackOptionsValidator().Validate(null,
            new WriteBackOptions { AuthorName = name, AuthorEmail = email, MaxPushAttempts = attempts });

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("https://ghe.example.com/api/v3/", true)]
    [InlineData("https://ghe.example.com", true)]
    [InlineData("api.github.com", false)]
    [InlineData("https://ghe.example.com/api/v3?x=1", false)]
    [InlineData("ftp://ghe.example.com/", false)]
    [InlineData("https://user:pw@ghe.example.com/api/v3/", false)]
    public void ApiUrl_MustBeAnAbsoluteHttpUrlWithoutCredentials(string? apiUrl, bool valid)
    {
        Assert.Equal(valid, new GitHubApiOptionsValidator().Validate(null, new GitHubApiOptions { ApiUrl = apiUrl, Token = "t" }).Succeeded);
    }

    [Fact]
    public void InvalidConfiguration_FailsWhenTheOptionsAreFirstRead()
    {
        using var sut = WriteBackUnderTest.Create("/srv/git/desired.git", "/tmp/unused", new Dictionary<string, string?>
        {
            ["Reconciler:WriteBack:MaxPushAttempts"] = "0",
        });

        var problem = Assert.Throws<OptionsValidationException>(() => sut.Get<IOptions<WriteBackOptions>>().Value);
        Assert.Contains("MaxPushAttempts", problem.Message);
    }

    [Theory]
    [InlineData("https://github.com/SprocketBot/desired-state.git", "github.com", "SprocketBot", "desired-state", "https://api.github.com/")]
    [InlineData("https://x-access-token:ghp_x@github.com/SprocketBot/desired-state", "github.com", "SprocketBot", "desired-state", "https://api.github.com/")]
    [InlineData("https://ghe.example.com/platform/desired.git/", "ghe.example.com", "platform", "desired", "https://ghe.example.com/api/v3/")]
    public void RepositoryName_IsReadFromTheCloneUrl(string url, string host, string owner, string name, string apiUrl)
    {
        var parsed = GitHubRepository.TryParse(url, allowPlainHttp: true);

        Assert.Equal(new GitHubRepository(host, owner, name), parsed);
        Assert.Equal(new Uri(apiUrl), GitHubApiAddress.For(parsed!, configured: null));
    }

    [Theory]
    [InlineData("/srv/git/desired.git")]
    [InlineData("file:///srv/git/desired.git")]
    [InlineData("https://github.com/SprocketBot")]
    [InlineData("https://gitlab.example/group/sub/desired.git")]
    public void RepositoryName_IsNullForAnythingElse(string url) => Assert.Null(GitHubRepository.TryParse(url, allowPlainHttp: true));
}
