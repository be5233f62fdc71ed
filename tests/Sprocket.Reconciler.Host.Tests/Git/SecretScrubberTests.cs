using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.Host.Tests.Git;

/// <summary>What may leave the Git folder: texts shaped like libgit2's own error messages.</summary>
public sealed class SecretScrubberTests
{
    private const string Token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

    [Theory]
    [InlineData("failed to resolve address for https://x-access-token:ghs_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r.git", "failed to resolve address for https://github.com/o/r.git")]
    [InlineData("unexpected http status code: 401 for http://user:other-secret@127.0.0.1:8080/r.git", "unexpected http status code: 401 for http://127.0.0.1:8080/r.git")]
    [InlineData("Authorization: Basic eC1hY2Nlc3MtdG9rZW46Z2hzXzE2QzdlNDJGMjkyYzY5MTJFNzcxMGM4MzgzNDdBZTE3OEI0YQ==", "Authorization: Basic ***")]
    [InlineData("token ghs_16C7e42F292c6912E7710c838347Ae178B4a rejected", "token *** rejected")]
    [InlineData("fetch https://github.com/o/r@v1.git failed", "fetch https://github.com/o/r@v1.git failed")]
    public void Scrub_RemovesUserInfoAndEveryFormOfTheToken(string text, string expected)
    {
        var scrubbed = SecretScrubber.Scrub(text, [Token]);

        Assert.Equal(expected, scrubbed);
        Assert.DoesNotContain(Token, scrubbed);
    }

    [Fact]
    public void Resolve_KeepsUrlCredentialsApartAndHashesTheCleanUrl()
    {
        var withToken = RepositoryLocation.Resolve($"https://x-access-token:{Token}@github.com/o/r.git", "/data");
        var rotated = RepositoryLocation.Resolve("https://x-access-token:ghs_other@github.com/o/r.git", "/data");

        Assert.Equal("https://github.com/o/r.git", withToken.Url);
        Assert.Equal(new UrlCredentials("x-access-token", Token), withToken.UrlCredentials);
        Assert.DoesNotContain(Token, withToken.ToString());
        Assert.Equal(withToken.CloneDirectory, rotated.CloneDirectory);
        Assert.Matches("^/data/desired/[0-9a-f]{16}$", withToken.CloneDirectory);
    }
}
