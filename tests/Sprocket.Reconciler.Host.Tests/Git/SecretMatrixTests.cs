using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Git;

/// <summary>
/// The one place repository URLs are split (<see cref="RepositoryLocation"/>) and every text derived from it, for
/// each printable ASCII character in the user and in the password: the URL libgit2 is given and every output shows,
/// the shown form of the API and status page (<see cref="DesiredStateLocation"/>), the start-up error and libgit2
/// messages passed through <see cref="SecretScrubber"/>.
/// </summary>
public sealed class SecretMatrixTests
{
    private const string HostAndPath = "git.example.org/team/desired.git";

    public static TheoryData<int, bool> Characters => SecretCharacters.All();

    [Theory]
    [MemberData(nameof(Characters))]
    public void The_clean_url_drops_the_whole_user_info_and_keeps_the_credentials_apart(int code, bool inUser)
    {
        var (url, secrets) = SecretCharacters.Case(code, inUser, HostAndPath);

        var location = RepositoryLocation.Resolve(url, "/data");

        Assert.Equal("https://" + HostAndPath, location.Url);
        Assert.Equal("https://" + HostAndPath, DesiredStateLocation.Scrub(url));
        // A raw ':' in the user is read as the end of the user (RFC 3986): the pair still reaches the server as written.
        Assert.NotNull(location.UrlCredentials);
        Assert.Equal(url[8..url.LastIndexOf('@')], $"{location.UrlCredentials.UserName}:{location.UrlCredentials.Password}");
        AssertShowsNone(secrets, location.ToString());
    }

    [Theory]
    [MemberData(nameof(Characters))]
    public void The_start_up_error_for_an_unsupported_url_never_shows_the_credentials(int code, bool inUser)
    {
        // ftp is refused by the validator, which prints the URL it refused.
        var (url, secrets) = SecretCharacters.Case(code, inUser, HostAndPath);
        var ftp = "ftp" + url["https".Length..];

        var problem = new DesiredStateOptionsValidator().Validate(null, new DesiredStateOptions { Repository = ftp });

        Assert.True(problem.Failed);
        Assert.Contains("ftp://" + HostAndPath, problem.FailureMessage);
        AssertShowsNone(secrets, problem.FailureMessage);
    }

    [Theory]
    [MemberData(nameof(Characters))]
    public void A_supported_url_with_credentials_is_accepted_whatever_they_hold(int code, bool inUser)
    {
        var (url, secrets) = SecretCharacters.Case(code, inUser, HostAndPath);

        var problem = new DesiredStateOptionsValidator().Validate(null, new DesiredStateOptions { Repository = url });

        Assert.True(problem.Succeeded, problem.FailureMessage);
    }

    [Theory]
    [MemberData(nameof(Characters))]
    public void Libgit2_messages_quoting_the_configured_url_lose_the_credentials(int code, bool inUser)
    {
        var (url, secrets) = SecretCharacters.Case(code, inUser, HostAndPath);
        var location = RepositoryLocation.Resolve(url, "/data");
        var request = new FetchRequest(location, "main", "desired-state.yaml", Token: null);

        var scrubbed = SecretScrubber.Scrub($"failed to resolve address for {url}: Name or service not known", request.Secrets);

        AssertShowsNone(secrets, scrubbed);
    }

    private static void AssertShowsNone(string[] secrets, string shown)
    {
        foreach (var secret in secrets)
            Assert.DoesNotContain(secret, shown, StringComparison.Ordinal);
    }
}
