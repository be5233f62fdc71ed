namespace Sprocket.Reconciler.Notify;

/// <summary>Shared checks of the notifier options. Messages name the key and never repeat its value (a URL may hold
/// credentials, and a token never appears in a message).</summary>
internal static class UrlCheck
{
    public static bool IsAbsoluteHttp(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.Fragment);

    /// <summary>A page a browser opens: a query may select what it shows, a fragment would swallow any query added after it.</summary>
    public static bool IsAbsoluteHttpLink(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(uri.Fragment);

    /// <summary>Adds the usual pair of errors for a notifier's <c>Url</c> + <c>Token</c>.</summary>
    public static void CheckEndpoint(List<string> errors, string section, string? url, string? token, TimeSpan requestTimeout)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return;
        }
        if (!IsAbsoluteHttp(url))
        {
            errors.Add($"{section}:Url must be an absolute http or https URL without query or fragment.");
        }
        if (string.IsNullOrWhiteSpace(token))
        {
            errors.Add($"{section}:Token is required when {section}:Url is set.");
        }
        CheckTimeout(errors, section, requestTimeout);
    }

    public static void CheckTimeout(List<string> errors, string section, TimeSpan requestTimeout)
    {
        if (requestTimeout <= TimeSpan.Zero || requestTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{section}:RequestTimeout must be above zero and at most 00:10:00.");
        }
    }

    /// <summary>The URL as a base for relative paths: a path prefix (Grafana behind <c>/grafana</c>) is kept.</summary>
    public static Uri AsBase(string url) => new(url.EndsWith('/') ? url : url + "/", UriKind.Absolute);
}
