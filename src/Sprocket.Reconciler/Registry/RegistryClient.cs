using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Registry;

/// <summary>
/// Talks the Docker Registry HTTP API v2 with pull scope only. Authentication follows the registry's
/// own <c>WWW-Authenticate</c> challenge: Bearer (token endpoint, as GHCR and Docker Hub do it) or
/// Basic (a plain Distribution registry with htpasswd). It never throws registry failures out of
/// <see cref="ResolveAsync"/>, and no message it builds contains a credential or a token.
/// </summary>
public sealed partial class RegistryClient(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<RegistryOptions> options,
    RegistryTokenCache tokens,
    TimeProvider time,
    ILogger<RegistryClient> logger) : IRegistryClient
{
    public const string HttpClientName = "Sprocket.Reconciler.Registry";

    // Hosts that answered with a Basic challenge get credentials up front next time, saving a 401 round trip.
    private readonly ConcurrentDictionary<string, bool> _basicHosts = new(StringComparer.OrdinalIgnoreCase);

    public async Task<TagResolution> ResolveAsync(string repository, string tag, CancellationToken cancellationToken)
    {
        if (!RegistryRepository.TryParse(repository, out var parsed))
        {
            return TagResolution.Failed(RegistryFailureKind.Other, $"'{repository}' is not a valid image repository");
        }
        if (!TagPattern().IsMatch(tag))
        {
            return TagResolution.Failed(RegistryFailureKind.Other, $"'{tag}' is not a valid image tag");
        }

        try
        {
            var digest = await ResolveDigestAsync(parsed, tag, cancellationToken).ConfigureAwait(false);
            Log.TagResolved(logger, repository, tag, digest);
            return TagResolution.Resolved(digest);
        }
        catch (Exception exception) when (AsRegistryFailure(exception, parsed.Host, cancellationToken) is { } failure)
        {
            Log.TagResolutionFailed(logger, repository, tag, failure.Kind, failure.Message);
            return TagResolution.Failed(failure.Kind, failure.Message, failure.RetryAfter);
        }
    }

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, int maxTags, CancellationToken cancellationToken)
    {
        if (!RegistryRepository.TryParse(repository, out var parsed))
        {
            throw new RegistryRequestException(RegistryFailureKind.Other, $"'{repository}' is not a valid image repository");
        }
        if (maxTags <= 0)
        {
            return [];
        }

        try
        {
            return await ListTagPagesAsync(parsed, maxTags, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not RegistryRequestException
            && AsRegistryFailure(exception, parsed.Host, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    private async Task<string> ResolveDigestAsync(RegistryRepository repository, string tag, CancellationToken cancellationToken)
    {
        var what = $"{repository.Name}:{tag}";
        var path = $"v2/{repository.Name}/manifests/{tag}";

        using (var head = await SendAsync(repository, HttpMethod.Head, path, ManifestMediaTypes.Accepted, cancellationToken).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(head, repository.Host, what, cancellationToken).ConfigureAwait(false);
            if (head.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } digest && DigestPattern().IsMatch(digest))
            {
                return digest;
            }
        }

        // Some registries and proxies drop the header on HEAD; the digest is by definition the hash of the manifest bytes.
        Log.DigestFromBody(logger, repository.Host, repository.Name, tag);
        using var get = await SendAsync(repository, HttpMethod.Get, path, ManifestMediaTypes.Accepted, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(get, repository.Host, what, cancellationToken).ConfigureAwait(false);
        var body = await get.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
    }

    private async Task<IReadOnlyList<string>> ListTagPagesAsync(RegistryRepository repository, int maxTags, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var pageSize = Math.Min(current.TagListPageSize, maxTags);
        var baseUri = RegistryAddress.BaseUri(repository.Host, current.Insecure);
        Uri? next = new(baseUri, $"v2/{repository.Name}/tags/list?n={pageSize}");
        var tags = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);

        // Bounded twice: by maxTags, and by never fetching the same page twice (a registry echoing its own Link would loop forever).
        while (next is not null && tags.Count < maxTags && visited.Add(next.AbsoluteUri))
        {
            using var response = await SendAsync(repository, HttpMethod.Get, next.PathAndQuery.TrimStart('/'), ["application/json"], cancellationToken).ConfigureAwait(false);
            await EnsureSuccessAsync(response, repository.Host, repository.Name + " tags", cancellationToken).ConfigureAwait(false);

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var page = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (page.RootElement.TryGetProperty("tags", out var pageTags) && pageTags.ValueKind == JsonValueKind.Array)
            {
                tags.AddRange(pageTags.EnumerateArray()
                    .Select(t => t.GetString())
                    .OfType<string>()
                    .Take(maxTags - tags.Count));
            }
            next = NextPage(response, baseUri);
        }
        return tags;
    }

    // Only links on the registry's own endpoint are followed: the Authorization header goes along.
    private static Uri? NextPage(HttpResponseMessage response, Uri baseUri)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }
        foreach (var link in links)
        {
            var match = NextLinkPattern().Match(link);
            if (match.Success && Uri.TryCreate(baseUri, match.Groups["url"].Value, out var next))
            {
                return next.Scheme == baseUri.Scheme && next.Authority == baseUri.Authority ? next : null;
            }
        }
        return null;
    }

    private async Task<HttpResponseMessage> SendAsync(
        RegistryRepository repository,
        HttpMethod method,
        string pathAndQuery,
        IReadOnlyList<string> accept,
        CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var uri = new Uri(RegistryAddress.BaseUri(repository.Host, current.Insecure), pathAndQuery);
        var scope = $"repository:{repository.Name}:pull";
        var http = CreateHttpClient(current);

        var cachedToken = tokens.Get(repository.Host, scope);
        var authorization = cachedToken is not null
            ? new AuthenticationHeaderValue("Bearer", cachedToken)
            : _basicHosts.ContainsKey(repository.Host) && current.CredentialFor(repository.Host) is { } known
                ? BasicAuthorization(known)
                : null;

        var response = await SendOnceAsync(http, method, uri, accept, authorization, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenges = AuthChallenge.ParseAll(response.Headers.TryGetValues("WWW-Authenticate", out var values) ? values : []);
        response.Dispose();
        if (cachedToken is not null)
        {
            tokens.Forget(repository.Host, scope); // revoked or expired early: fetch a fresh one below
        }

        authorization = await AnswerChallengeAsync(http, repository, scope, challenges, current, cancellationToken).ConfigureAwait(false);
        return await SendOnceAsync(http, method, uri, accept, authorization, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HttpResponseMessage> SendOnceAsync(
        HttpClient http,
        HttpMethod method,
        Uri uri,
        IReadOnlyList<string> accept,
        AuthenticationHeaderValue? authorization,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        foreach (var mediaType in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AuthenticationHeaderValue> AnswerChallengeAsync(
        HttpClient http,
        RegistryRepository repository,
        string scope,
        IReadOnlyList<AuthChallenge> challenges,
        RegistryOptions current,
        CancellationToken cancellationToken)
    {
        var credential = current.CredentialFor(repository.Host);

        if (challenges.FirstOrDefault(c => c.IsScheme("Bearer")) is { } bearer)
        {
            var token = await FetchTokenAsync(http, repository, scope, bearer, credential, current, cancellationToken).ConfigureAwait(false);
            return new AuthenticationHeaderValue("Bearer", token);
        }

        if (challenges.Any(c => c.IsScheme("Basic")))
        {
            if (credential is null)
            {
                throw new RegistryRequestException(RegistryFailureKind.Unauthorized,
                    $"{repository.Host} requires Basic credentials and none are configured for it");
            }
            _basicHosts[repository.Host] = true;
            return BasicAuthorization(credential);
        }

        throw challenges.Count == 0
            ? new RegistryRequestException(RegistryFailureKind.Unauthorized, $"{repository.Host} answered 401 without an authentication challenge")
            : new RegistryRequestException(RegistryFailureKind.Other,
                $"{repository.Host} asks for unsupported authentication ({string.Join(", ", challenges.Select(c => c.Scheme))})");
    }

    private async Task<string> FetchTokenAsync(
        HttpClient http,
        RegistryRepository repository,
        string scope,
        AuthChallenge bearer,
        RegistryCredential? credential,
        RegistryOptions current,
        CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(bearer["realm"], UriKind.Absolute, out var realm) || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
        {
            throw new RegistryRequestException(RegistryFailureKind.Other, $"{repository.Host} sent a Bearer challenge without a usable realm");
        }
        // A password must not cross the network in clear text just because a challenge said so.
        if (credential is not null && realm.Scheme == Uri.UriSchemeHttp && !RegistryAddress.UsesPlainHttp(realm.Authority, current.Insecure))
        {
            throw new RegistryRequestException(RegistryFailureKind.Unauthorized,
                $"refusing to send the credentials for {repository.Host} to the plain-http token endpoint {realm.Authority}");
        }

        var query = new StringBuilder(realm.Query.Length == 0 ? "?" : realm.Query + "&");
        if (bearer["service"] is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }
        query.Append("scope=").Append(Uri.EscapeDataString(scope));
        var tokenUri = new UriBuilder(realm) { Query = query.ToString()[1..] }.Uri;

        using var request = new HttpRequestMessage(HttpMethod.Get, tokenUri);
        if (credential is not null)
        {
            request.Headers.Authorization = BasicAuthorization(credential);
        }
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RegistryRequestException(RegistryFailureKind.Unauthorized,
                $"token endpoint {realm.Authority} refused {(credential is null ? "anonymous" : "the configured")} pull access to {repository.Name} (HTTP {(int)response.StatusCode})");
        }
        await EnsureSuccessAsync(response, realm.Authority, "a token for " + repository.Name, cancellationToken).ConfigureAwait(false);

        string? token;
        TimeSpan lifetime;
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var root = document.RootElement;
            token = StringProperty(root, "token") ?? StringProperty(root, "access_token");
            lifetime = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : RegistryTokenCache.DefaultLifetime;
        }
        catch (JsonException)
        {
            token = null;
            lifetime = TimeSpan.Zero;
        }
        if (string.IsNullOrEmpty(token))
        {
            throw new RegistryRequestException(RegistryFailureKind.Other, $"token endpoint {realm.Authority} answered without a token");
        }

        tokens.Put(repository.Host, scope, token, lifetime);
        Log.TokenFetched(logger, repository.Host, scope, credential is not null, lifetime);
        return token;
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string host, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var code = await RegistryErrorCodeAsync(response, cancellationToken).ConfigureAwait(false);
        var detail = code is null ? $"HTTP {status}" : $"HTTP {status} {code}";
        throw response.StatusCode switch
        {
            HttpStatusCode.NotFound => new RegistryRequestException(RegistryFailureKind.NotFound, $"{what} not found on {host} ({detail})"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                new RegistryRequestException(RegistryFailureKind.Unauthorized, $"{host} refused access to {what} ({detail})"),
            HttpStatusCode.TooManyRequests => RateLimited(host, detail, RetryAfterOf(response)),
            // Any 5xx is the registry's own trouble, not a verdict on the tag: retried like an outage.
            _ when status >= 500 => new RegistryRequestException(RegistryFailureKind.Unreachable, $"{host} is unavailable ({detail})"),
            _ => new RegistryRequestException(RegistryFailureKind.Other, $"{host} answered {detail} for {what}"),
        };
    }

    private static RegistryRequestException RateLimited(string host, string detail, TimeSpan? retryAfter) =>
        new(RegistryFailureKind.RateLimited,
            $"{host} is rate limiting us ({detail}{(retryAfter is { } wait ? $", retry after {wait.TotalSeconds:0} s" : "")})",
            retryAfter: retryAfter);

    /// <summary>Retry-After as seconds or as an HTTP date; null when absent or already past.</summary>
    private TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } when delta > TimeSpan.Zero => delta,
        { Date: { } date } when date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero => wait,
        _ => null,
    };

    // Only the registry's error code (MANIFEST_UNKNOWN, DENIED…) is shown; free-text bodies are not echoed.
    private static async Task<string?> RegistryErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length is 0 or > 65_536)
            {
                return null;
            }
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0
                && StringProperty(errors[0], "code") is { } code
                && ErrorCodePattern().IsMatch(code))
            {
                return code;
            }
        }
        catch (Exception exception) when (exception is JsonException or HttpRequestException or InvalidOperationException)
        {
        }
        return null;
    }

    private static RegistryRequestException? AsRegistryFailure(Exception exception, string host, CancellationToken cancellationToken) =>
        exception switch
        {
            RegistryRequestException registry => registry,
            // HttpRequestException messages name the endpoint and the socket error, never request headers.
            HttpRequestException http => new RegistryRequestException(RegistryFailureKind.Unreachable, $"{host} is unreachable: {http.Message}", http),
            OperationCanceledException when !cancellationToken.IsCancellationRequested =>
                new RegistryRequestException(RegistryFailureKind.Unreachable, $"{host} did not answer in time", exception),
            JsonException json => new RegistryRequestException(RegistryFailureKind.Other, $"{host} sent malformed JSON", json),
            _ => null,
        };

    private HttpClient CreateHttpClient(RegistryOptions current)
    {
        var http = httpClientFactory.CreateClient(HttpClientName);
        http.Timeout = current.RequestTimeout;
        return http;
    }

    private static AuthenticationHeaderValue BasicAuthorization(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex("^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})\\z", RegexOptions.CultureInvariant)]
    private static partial Regex DigestPattern();

    [GeneratedRegex("^[A-Z_]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCodePattern();

    [GeneratedRegex("""<(?<url>[^>]*)>\s*;\s*rel="?next"?""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NextLinkPattern();
}
