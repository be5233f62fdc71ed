using Octokit.Internal;

namespace Sprocket.Reconciler.GitHub;

/// <summary>
/// The innermost handler of every GitHub API request. The daemon uses Octokit's default (system proxy, automatic
/// decompression); a test registers its own to reach a local fake under the real host names.
/// </summary>
public sealed class GitHubHttpTransport(Func<HttpMessageHandler> create)
{
    public static GitHubHttpTransport Default { get; } = new(HttpMessageHandlerFactory.CreateDefault);

    public HttpMessageHandler Create() => create();
}
