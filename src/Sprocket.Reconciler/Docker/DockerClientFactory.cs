using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Docker;

/// <summary>Builds the one engine client the daemon shares. Pins API 1.41 (Engine 20.10), the oldest engine
/// we support, so that a newer client library never asks an older Swarm manager for fields it lacks, and sends
/// registry credentials as base64url (<see cref="RegistryAuthBase64UrlHandler"/>).</summary>
public static class DockerClientFactory
{
    public static readonly Version ApiVersion = new(1, 41);

    public static IDockerClient Create(IOptions<DockerOptions> options) =>
        Create(options.Value.ResolveEndpoint(Environment.GetEnvironmentVariable));

    public static IDockerClient Create(Uri endpoint) =>
        new DockerClientBuilder()
            .WithEndpoint(endpoint)
            .WithApiVersion(ApiVersion)
            .WithAuthProvider(RegistryAuthBase64Url.Instance)
            .Build();
}
