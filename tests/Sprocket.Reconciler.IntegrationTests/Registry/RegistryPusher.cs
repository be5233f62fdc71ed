using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sprocket.Reconciler.IntegrationTests.Registry;

/// <summary>A manifest the test pushed: its digest (as the registry returned it on PUT) and byte size.</summary>
public sealed record PushedManifest(string Digest, long Size, string MediaType);

/// <summary>
/// Pushes images through the registry's own HTTP API the way <c>docker push</c> does (blob upload
/// session POST then monolithic PUT, then the manifest PUT), so no Docker daemon is needed.
/// </summary>
public sealed class RegistryPusher(Uri baseUri, AuthenticationHeaderValue? authorization)
{
    private const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>A single-platform schema2 image whose config and layer carry <paramref name="marker"/>, so each marker gives a distinct digest.</summary>
    public async Task<PushedManifest> PushImageAsync(string name, string tag, string marker, bool oci = false)
    {
        var config = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { Labels = new Dictionary<string, string> { ["test.marker"] = marker } },
            rootfs = new { type = "layers", diff_ids = Array.Empty<string>() },
        }));
        var layer = Gzip(Encoding.UTF8.GetBytes($"layer for {marker}\n"));
        var configDigest = await PushBlobAsync(name, config);
        var layerDigest = await PushBlobAsync(name, layer);

        var manifest = JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = oci ? OciManifest : DockerManifest,
            config = new
            {
                mediaType = oci ? "application/vnd.oci.image.config.v1+json" : "application/vnd.docker.container.image.v1+json",
                size = config.Length,
                digest = configDigest,
            },
            layers = new[]
            {
                new
                {
                    mediaType = oci ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    size = layer.Length,
                    digest = layerDigest,
                },
            },
        });
        return await PutManifestAsync(name, tag, manifest, oci ? OciManifest : DockerManifest);
    }

    /// <summary>An OCI index over manifests already pushed to the same repository.</summary>
    public Task<PushedManifest> PushIndexAsync(string name, string tag, params PushedManifest[] manifests)
    {
        var index = JsonSerializer.Serialize(new
        {
            schemaVersion = 2,
            mediaType = OciIndex,
            manifests = manifests.Select((m, i) => new
            {
                mediaType = m.MediaType,
                size = m.Size,
                digest = m.Digest,
                platform = new { architecture = i == 0 ? "amd64" : "arm64", os = "linux" },
            }),
        });
        return PutManifestAsync(name, tag, index, OciIndex);
    }

    private async Task<PushedManifest> PutManifestAsync(string name, string tag, string manifest, string mediaType)
    {
        var bytes = Encoding.UTF8.GetBytes(manifest);
        using var http = Client();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PutAsync(new Uri(baseUri, $"v2/{name}/manifests/{tag}"), content);
        await EnsureStatusAsync(response, HttpStatusCode.Created, "manifest PUT");
        var digest = response.Headers.GetValues("Docker-Content-Digest").Single();
        if (digest != Sha256(bytes))
        {
            throw new InvalidOperationException($"registry returned {digest} for a manifest whose sha256 is {Sha256(bytes)}");
        }
        return new PushedManifest(digest, bytes.Length, mediaType);
    }

    private async Task<string> PushBlobAsync(string name, byte[] blob)
    {
        var digest = Sha256(blob);
        using var http = Client();
        using var start = await http.PostAsync(new Uri(baseUri, $"v2/{name}/blobs/uploads/"), content: null);
        await EnsureStatusAsync(start, HttpStatusCode.Accepted, "blob upload POST");
        var location = new Uri(baseUri, start.Headers.Location!);
        var upload = new UriBuilder(location) { Query = location.Query.TrimStart('?') + "&digest=" + Uri.EscapeDataString(digest) }.Uri;

        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync(upload, content);
        await EnsureStatusAsync(put, HttpStatusCode.Created, "blob upload PUT");
        return digest;
    }

    private HttpClient Client()
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = authorization;
        return http;
    }

    private static async Task EnsureStatusAsync(HttpResponseMessage response, HttpStatusCode expected, string step)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{step}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }
}
