using System.Net.Http.Headers;

namespace Sprocket.Reconciler.GitHub;

/// <summary>
/// Brings Octokit's requests to what GitHub's REST docs ask for. Octokit serializes request bodies as JSON but labels them <c>application/x-www-form-urlencoded</c>. GitHub
/// tolerates that, yet its REST docs ask for JSON bodies sent as <c>application/json</c>; a proxy or GitHub Enterprise
/// in front of the API may be stricter. The notifier and the write-back only ever send JSON, so every body is labelled as such here.
/// It also pins <c>X-GitHub-Api-Version</c>, so a later change of GitHub's default version cannot change the bodies
/// these requests mean.
/// </summary>
internal sealed class GitHubJsonContentType(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string ApiVersion = "2022-11-28";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("X-GitHub-Api-Version");
        request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", ApiVersion);
        if (request.Content is { } content)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        return base.SendAsync(request, cancellationToken);
    }
}
