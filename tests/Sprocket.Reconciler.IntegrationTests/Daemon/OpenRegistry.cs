using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The open loopback registry of the test environment, spoken to over its v2 HTTP API: to learn a tag's digest
/// independently of the daemon, and to publish a seeded image under another repository or tag the way
/// <c>docker tag</c> + <c>docker push</c> does (cross-repository blob mount, then the manifest PUT), without
/// pulling images into the engine.
/// </summary>
public sealed class OpenRegistry(string host) : IDisposable
{
    // Docker v2 first: the seeded images are Docker v2 manifests, and without it Distribution 2.8 converts to
    // schema1 with another digest (FACTS.md §5).
    private const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://{host}/"), Timeout = TimeSpan.FromSeconds(20) };

    public string Host { get; } = host;

    /// <summary><c>HOST/repository:tag</c>, as it goes into a service spec.</summary>
    public string Image(string repository, string tag) => $"{Host}/{repository}:{tag}";

    /// <summary>The manifest digest the registry serves for <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public async Task<string> DigestOfAsync(string repository, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/manifests/{tag}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(DockerManifest));
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    /// <summary>Publishes the image <paramref name="fromRepository"/>:<paramref name="fromTag"/> as <paramref name="toRepository"/>:<paramref name="toTag"/>
    /// (moving that tag if it exists); returns the manifest digest, which equals the source's.</summary>
    public async Task<string> CopyTagAsync(string fromRepository, string fromTag, string toRepository, string toTag)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, $"v2/{fromRepository}/manifests/{fromTag}");
        get.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(DockerManifest));
        using var manifestResponse = await _http.SendAsync(get);
        manifestResponse.EnsureSuccessStatusCode();
        var manifest = await manifestResponse.Content.ReadAsByteArrayAsync();
        var mediaType = manifestResponse.Content.Headers.ContentType?.MediaType ?? DockerManifest;

        using var document = JsonDocument.Parse(manifest);
        var blobs = document.RootElement.GetProperty("layers").EnumerateArray()
            .Append(document.RootElement.GetProperty("config"))
            .Select(blob => blob.GetProperty("digest").GetString()!);
        foreach (var blob in blobs)
        {
            using var mount = await _http.PostAsync($"v2/{toRepository}/blobs/uploads/?mount={blob}&from={fromRepository}", null);
            if (mount.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"mounting {blob} from {fromRepository} into {toRepository}: {(int)mount.StatusCode}");
        }

        using var put = new ByteArrayContent(manifest);
        put.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var putResponse = await _http.PutAsync($"v2/{toRepository}/manifests/{toTag}", put);
        if (putResponse.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException(
                $"PUT manifest {toRepository}:{toTag}: {(int)putResponse.StatusCode} {await putResponse.Content.ReadAsStringAsync()}");
        return putResponse.Headers.GetValues("Docker-Content-Digest").Single();
    }

    public void Dispose() => _http.Dispose();
}
