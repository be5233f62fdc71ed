using System.Net;
using System.Security.Cryptography;
using System.Text;
using Sprocket.Reconciler.IntegrationTests.Daemon;

namespace Sprocket.Reconciler.IntegrationTests.Realign;

/// <summary>GitHub's push webhook for <c>main</c>, signed as GitHub signs it (<c>X-Hub-Signature-256</c>): the daemon fetches at once.</summary>
internal static class GitHubPush
{
    public static async Task SendAsync(DaemonProcess daemon, string secret, string after)
    {
        // The repository the pull-request stories serve under GitHub's path shape (and any name does for a local path).
        var body = $$"""{"repository":{"full_name":"{{FakeGitHub.Owner}}/{{FakeGitHub.Repo}}"},"ref":"refs/heads/main","deleted":false,"after":"{{after}}"}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/webhooks/github") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256",
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        using var response = await daemon.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
