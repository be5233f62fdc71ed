using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sprocket.PulumiStandin.Cli;

namespace Sprocket.PulumiStandin.Registry;

/// <summary>
/// Resolves <c>repo:tag</c> to <c>repo@sha256:…</c> the way Pulumi's docker provider does before it writes a
/// service spec: HEAD /v2/&lt;path&gt;/manifests/&lt;tag&gt; with the Docker v2, manifest list, OCI manifest and
/// OCI index media types in Accept (only that combination gives the digest Swarm itself resolves). Basic auth
/// from SPROCKET_STANDIN_REGISTRY_USERNAME / _PASSWORD when the registry asks for it.
/// </summary>
public sealed class DigestResolver : IDisposable
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    ];

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task<string> ResolveAsync(string image, CancellationToken cancellationToken)
    {
        var name = ImageName.Parse(image);
        if (name.Digest is not null) return $"{name.Repository}@{name.Digest}";

        var tag = name.Tag ?? "latest";
        var scheme = name.IsLoopback ? "http" : "https";
        var uri = new Uri($"{scheme}://{name.Registry}/v2/{name.Path}/manifests/{tag}");
        using var response = await SendAsync(uri, authorization: null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized && BasicCredentials() is { } credentials &&
            response.Headers.WwwAuthenticate.Any(challenge => challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)))
        {
            using var retried = await SendAsync(uri, credentials, cancellationToken);
            return DigestFrom(retried, name, tag);
        }

        return DigestFrom(response, name, tag);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(Uri uri, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, uri);
        foreach (var type in ManifestTypes) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        request.Headers.Authorization = authorization;
        try
        {
            return await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new CliException($"failed to resolve image digest: Get \"{uri}\": {exception.Message}");
        }
    }

    private static string DigestFrom(HttpResponseMessage response, ImageName name, string tag)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new CliException($"Error resolving image digest of '{name.Repository}:{tag}': manifest unknown: manifest unknown");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"Error resolving image digest of '{name.Repository}:{tag}': {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        return response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { Length: > 0 } digest
            ? $"{name.Repository}@{digest}"
            : throw new CliException($"Error resolving image digest of '{name.Repository}:{tag}': the registry sent no Docker-Content-Digest");
    }

    private static AuthenticationHeaderValue? BasicCredentials()
    {
        var user = Environment.GetEnvironmentVariable("SPROCKET_STANDIN_REGISTRY_USERNAME");
        var password = Environment.GetEnvironmentVariable("SPROCKET_STANDIN_REGISTRY_PASSWORD");
        return string.IsNullOrEmpty(user) || password is null
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }
}
