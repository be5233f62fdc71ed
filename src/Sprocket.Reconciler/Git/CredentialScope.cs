namespace Sprocket.Reconciler.Git;

/// <summary>
/// Where a credential may be sent. A credential is scoped to the origin (scheme, host, port) of the URL it was
/// configured for, as Flux and Argo CD scope theirs to a URL prefix: credentials written into a URL belong to
/// that URL's origin, <c>Reconciler:GitHub:Token</c> to the desired-state repository's. It is offered only over
/// https, so it never crosses a network in clear text; plain http is allowed to a loopback host only, where it
/// never leaves the machine (a local git server or proxy). A different host name, port or scheme — another
/// repository's server, or a redirect — gets nothing.
/// </summary>
internal static class CredentialScope
{
    /// <summary>May credentials configured for <paramref name="configuredFor"/> be sent to <paramref name="askingUrl"/>?</summary>
    public static bool Allows(string configuredFor, string askingUrl) =>
        OriginOf(configuredFor) is { } scope
        && OriginOf(askingUrl) is { } asking
        && scope == asking
        && (asking.Scheme == Uri.UriSchemeHttps || (asking.Scheme == Uri.UriSchemeHttp && asking.IsLoopback));

    /// <summary>The origin as shown in messages (<c>https://host:port</c>), or null for a path or an unparsable URL.</summary>
    public static string? Describe(string url) => OriginOf(url) is { } origin ? $"{origin.Scheme}://{origin.Host}:{origin.Port}" : null;

    private static Origin? OriginOf(string url) =>
        RepositoryUrl.IsUrl(url) && Uri.TryCreate(RepositoryUrl.Shown(url.Trim()), UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? new Origin(uri.Scheme.ToLowerInvariant(), uri.IdnHost.ToLowerInvariant(), uri.Port, uri.IsLoopback)
            : null;

    // IsLoopback follows from the host, so it never makes two origins differ; only the http rule reads it.
    private sealed record Origin(string Scheme, string Host, int Port, bool IsLoopback);
}
