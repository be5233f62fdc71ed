using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;

namespace Sprocket.Reconciler.GitHub;

/// <summary>
/// Octokit clients for the notifier and the write-back, built the same way: the token as <c>Authorization: Bearer</c>,
/// the <c>sprocket-reconciler/&lt;version&gt;</c> User-Agent GitHub requires, JSON bodies labelled as JSON with a
/// pinned API version (<see cref="GitHubJsonContentType"/>), and <c>Reconciler:GitHub:RequestTimeout</c>.
/// </summary>
public sealed class GitHubClientFactory(IOptionsMonitor<GitHubApiOptions> options, GitHubHttpTransport transport)
{
    public const string Product = "sprocket-reconciler";

    public IGitHubClient Create(Uri apiRoot)
    {
        var settings = options.CurrentValue;
        var credentials = new InMemoryCredentialStore(new Credentials(settings.Token, AuthenticationType.Bearer));
        var http = new HttpClientAdapter(() => new GitHubJsonContentType(transport.Create()));
        // Connection, unlike GitHubClient's own constructors, takes the root as given: GitHubApiAddress made it.
        var connection = new Connection(new ProductHeaderValue(Product, ProductVersion()), apiRoot, credentials, http, new SimpleJsonSerializer());
        connection.SetRequestTimeout(settings.RequestTimeout);
        return new GitHubClient(connection);
    }

    private static string ProductVersion()
    {
        var version = typeof(GitHubClientFactory).Assembly.GetName().Version;
        return version is null ? "1.0.0" : $"{version.Major}.{version.Minor}.{version.Build}";
    }
}
