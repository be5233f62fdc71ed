using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Host.Tests.Registry;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Parses_the_ghcr_bearer_challenge()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(
            ["Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:sprocketbot/web:pull\""]));

        Assert.True(challenge.IsScheme("bearer"));
        Assert.Equal("https://ghcr.io/token", challenge["realm"]);
        Assert.Equal("ghcr.io", challenge["Service"]);
        Assert.Equal("repository:sprocketbot/web:pull", challenge["scope"]);
    }

    [Fact]
    public void Quoted_values_keep_commas_equals_signs_and_escaped_quotes()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(
            ["Bearer realm=\"https://auth.example/token?a=1,b=2\" , scope=\"repository:a/b:pull,push\", error=\"say \\\"hi\\\"\""]));

        Assert.Equal("https://auth.example/token?a=1,b=2", challenge["realm"]);
        Assert.Equal("repository:a/b:pull,push", challenge["scope"]);
        Assert.Equal("say \"hi\"", challenge["error"]);
    }

    [Fact]
    public void Several_challenges_in_one_header_and_across_headers_are_all_returned()
    {
        var challenges = AuthChallenge.ParseAll(["Basic realm=\"Registry Realm\", Bearer realm=\"https://r/t\",service=s", "Negotiate abc=="]);

        Assert.Equal(["Basic", "Bearer", "Negotiate"], challenges.Select(c => c.Scheme));
        Assert.Equal("Registry Realm", challenges[0]["realm"]);
        Assert.Equal("s", challenges[1]["service"]);
        Assert.Empty(challenges[2].Parameters);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",,,")]
    [InlineData("Bearer realm=\"unterminated")]
    [InlineData("=== \"\"")]
    public void Malformed_headers_never_throw(string header)
    {
        var challenges = AuthChallenge.ParseAll([header]);

        Assert.All(challenges, c => Assert.False(string.IsNullOrEmpty(c.Scheme)));
    }
}
