namespace Sprocket.Reconciler.Docker;

/// <summary>
/// Sends <c>X-Registry-Auth</c> as base64url, whatever the client library encoded. The engine decodes that header with
/// base64url only: moby/moby api/pkg/authconfig/authconfig.go <c>Decode</c> (master; v28 api/types/registry/authconfig.go).
/// In Engine 20.10 (v20.10.24) api/server/router/swarm/cluster_routes.go stores the header as given and
/// daemon/cluster/executor/container/adapter.go decodes it on the worker at pull time; a failure there only logs
/// "invalid authconfig" and the pull goes on without credentials. Docker.DotNet.Enhanced 4.3.3 (testcontainers/Docker.DotNet
/// src/Docker.DotNet/Endpoints/SwarmOperations.cs <c>RegistryAuthHeaders</c>) encodes it with standard base64 for
/// ServiceCreate/ServiceUpdate, while its ImageOperations already sends base64url: credentials whose encoding holds
/// <c>+</c> or <c>/</c> reach the worker garbled, the task is rejected with "No such image" and the update pauses or
/// rolls back. Rewriting the header here fixes every call without forking the library.
/// </summary>
internal sealed class RegistryAuthBase64UrlHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string HeaderName = "X-Registry-Auth";

    /// <summary>Standard base64 to base64url: the two alphabets differ only in these two characters; the padding stays,
    /// as the engine's decoder (Go's padded <c>base64.URLEncoding</c>) expects it. A value already in base64url is
    /// returned unchanged.</summary>
    public static string ToBase64Url(string encoded) => encoded.Replace('+', '-').Replace('/', '_');

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues(HeaderName, out var values))
        {
            // Copied first: the header collection cannot change while its values are enumerated.
            var rewritten = values.Select(ToBase64Url).ToList();
            request.Headers.Remove(HeaderName);
            request.Headers.TryAddWithoutValidation(HeaderName, rewritten);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
