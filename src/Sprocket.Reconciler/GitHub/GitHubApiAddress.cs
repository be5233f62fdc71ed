using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.GitHub;

/// <summary>
/// The one reading of <c>Reconciler:GitHub:ApiUrl</c>. Octokit's <c>GitHubClient(…, Uri baseAddress)</c> maps
/// github.com and api.github.com to https://api.github.com/ and any other host to <c>/api/v3/</c> of that host, but
/// its <c>Connection</c> (which we build, to set the handler and timeout) takes the address as given, and resolves
/// relative API paths under it only when it ends with '/'. This does the same mapping, and also keeps an address
/// that already ends in <c>/api/v3</c> (GitHub Enterprise Server's REST root) instead of doubling it, and sends
/// GitHub Enterprise Cloud with data residency (<c>SUBDOMAIN.ghe.com</c>) to its <c>api.SUBDOMAIN.ghe.com</c>, where
/// Octokit's mapping would invent an <c>/api/v3/</c> that host does not serve.
/// </summary>
public static class GitHubApiAddress
{
    public static readonly Uri DotCom = new("https://api.github.com/");

    public static bool IsValid(string? apiUrl) =>
        Uri.TryCreate(apiUrl, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.UserInfo.Length == 0
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.Fragment);

    /// <summary>The REST root for a configured address; see the class remarks.</summary>
    public static Uri Normalize(string apiUrl)
    {
        if (!IsValid(apiUrl)) throw new ArgumentException("Not an absolute http(s) URL without credentials, query or fragment.", nameof(apiUrl));
        var uri = new Uri(apiUrl);
        if (IsDotCom(uri.Host)) return DotCom;
        if (DataResidencyApi(uri.Host) is { } api) return new UriBuilder(uri.Scheme, api, uri.Port, "/").Uri;
        var path = uri.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/api/v3", StringComparison.OrdinalIgnoreCase)) path += "/api/v3";
        return new UriBuilder(uri.Scheme, uri.Host, uri.Port, path + "/").Uri;
    }

    /// <summary>The configured address, or else the API of the repository's own host.</summary>
    public static Uri For(GitHubRepository repository, string? configured) =>
        !string.IsNullOrWhiteSpace(configured) ? Normalize(configured)
        : IsDotCom(repository.Host) ? DotCom
        : DataResidencyApi(repository.Host) is { } api ? new Uri($"https://{api}/")
        : new Uri($"https://{repository.Host}/api/v3/");

    /// <summary><c>api.SUBDOMAIN.ghe.com</c> for <c>SUBDOMAIN.ghe.com</c> (or itself); null for any other host.</summary>
    private static string? DataResidencyApi(string host)
    {
        if (!host.EndsWith(".ghe.com", StringComparison.OrdinalIgnoreCase)) return null;
        return host.StartsWith("api.", StringComparison.OrdinalIgnoreCase) ? host : "api." + host;
    }

    private static bool IsDotCom(string host) =>
        host.Equals("github.com", StringComparison.OrdinalIgnoreCase)
        || host.Equals("www.github.com", StringComparison.OrdinalIgnoreCase)
        || host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase);
}
