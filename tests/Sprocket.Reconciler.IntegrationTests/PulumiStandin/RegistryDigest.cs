using System.Net.Http.Headers;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>The expected <c>registry/repo@sha256:…</c> of a seeded tag, read from the registry independently of the stand-in.</summary>
public static class RegistryDigest
{
    private static readonly HttpClient Http = new();

    public static async Task<string> OfAsync(TestEnvironmentSettings environment, string repository, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{environment.Registry}/v2/{repository}/manifests/{tag}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return $"{environment.Registry}/{repository}@{response.Headers.GetValues("Docker-Content-Digest").Single()}";
    }
}
