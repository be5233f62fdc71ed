using System.Security.Cryptography;
using System.Text;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.Host.Tests.Registry;

/// <summary>
/// Distribution always sends Docker-Content-Digest, so the fallback is exercised with a stub of a
/// registry (or proxy) that drops it: the digest must then be the sha256 of the manifest bytes.
/// </summary>
public sealed class ManifestDigestFallbackTests
{
    [Fact]
    public async Task Without_Docker_Content_Digest_on_HEAD_the_digest_is_the_sha256_of_the_GET_body()
    {
        const string manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""";
        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest)));
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingHead().WithPath("/v2/sprocketbot/web/manifests/git-abcdef0"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/vnd.oci.image.index.v1+json"));
        server.Given(Request.Create().UsingGet().WithPath("/v2/sprocketbot/web/manifests/git-abcdef0")
                .WithHeader("Accept", new WildcardMatcher("*application/vnd.oci.image.index.v1+json*")))
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/vnd.oci.image.index.v1+json")
                .WithBody(manifest));
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync($"127.0.0.1:{server.Port}/sprocketbot/web", "git-abcdef0", CancellationToken.None);

        Assert.Equal(expected, resolution.Digest);
    }
}
