using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.Host.Tests.Git;

/// <summary>
/// Credentials go only to the origin they were configured for, and only over https (plain http to a loopback
/// host only, where they never leave the machine).
/// </summary>
public sealed class CredentialScopeTests
{
    [Theory]
    [InlineData("https://github.com/o/desired.git", "https://github.com/o/program.git", true)]
    [InlineData("https://GitHub.com/o/desired.git", "https://github.com:443/other/x", true)]
    [InlineData("https://user:p/w#@git.example.org/d.git", "https://git.example.org/p.git", true)]
    [InlineData("http://127.0.0.1:8080/d.git", "http://127.0.0.1:8080/p.git", true)]
    [InlineData("http://localhost:8080/d.git", "http://localhost:8080/p.git", true)]
    [InlineData("https://github.com/o/desired.git", "https://evil.example/o/program.git", false)]
    [InlineData("https://github.com/o/desired.git", "https://github.com.evil.example/o/p.git", false)]
    [InlineData("https://github.com/o/desired.git", "https://github.com:8443/o/p.git", false)]
    [InlineData("https://github.com/o/desired.git", "http://github.com/o/p.git", false)]
    [InlineData("http://git.example.org/d.git", "http://git.example.org/p.git", false)]
    [InlineData("http://127.0.0.1:8080/d.git", "http://127.0.0.1:8081/p.git", false)]
    [InlineData("http://127.0.0.1:8080/d.git", "http://localhost:8080/p.git", false)]
    [InlineData("/srv/git/desired", "https://github.com/o/p.git", false)]
    [InlineData("https://github.com/o/desired.git", "file:///srv/git/p", false)]
    public void Allows_only_the_configured_origin_over_https(string configuredFor, string asking, bool allowed) =>
        Assert.Equal(allowed, CredentialScope.Allows(configuredFor, asking));
}
