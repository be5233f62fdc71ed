using System.Text;
using Sprocket.Reconciler.Http;

namespace Sprocket.Reconciler.Host.Tests.Http;

public class GitHubWebhookSignatureTests
{
    // The worked example of GitHub's "Validating webhook deliveries" documentation.
    private const string Secret = "It's a Secret to Everybody";
    private const string Payload = "Hello, World!";
    private const string Signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    [Fact]
    public void Accepts_the_signature_github_documents() =>
        Assert.True(GitHubWebhook.SignatureMatches(Secret, Encoding.UTF8.GetBytes(Payload), Signature));

    [Theory]
    [InlineData("")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=not-hex")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18")]
    public void Refuses_anything_else(string header) =>
        Assert.False(GitHubWebhook.SignatureMatches(Secret, Encoding.UTF8.GetBytes(Payload), header));

    [Fact]
    public void Refuses_a_body_changed_after_signing() =>
        Assert.False(GitHubWebhook.SignatureMatches(Secret, Encoding.UTF8.GetBytes(Payload + " "), Signature));
}
