using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Swarm;

/// <summary>Digests of the seeded images, asked from the loopback registries through the product's own registry client.</summary>
public sealed class SeededDigests : IDisposable
{
    private readonly RegistryTestHost _registry = new(new Dictionary<string, string?>
    {
        ["Reconciler:Registry:Credentials:private:Host"] = TestEnvironment.Current.AuthRegistry,
        ["Reconciler:Registry:Credentials:private:Username"] = TestEnvironment.Current.AuthRegistryUser,
        ["Reconciler:Registry:Credentials:private:Password"] = TestEnvironment.Current.AuthRegistryPassword,
    });

    /// <summary>The digest <paramref name="repository"/> (with its registry host) : <paramref name="tag"/> names now.</summary>
    public async Task<string> DigestAsync(string repository, string tag)
    {
        var resolution = await _registry.Client.ResolveAsync(repository, tag, CancellationToken.None);
        return resolution.Digest ?? throw new InvalidOperationException($"{repository}:{tag} did not resolve: {resolution}");
    }

    /// <summary>The <see cref="Sprocket.Reconciler.Apply.PinnedImage"/> for a seeded image on the open registry.</summary>
    public async Task<Sprocket.Reconciler.Apply.PinnedImage> PinAsync(string serviceName, string serviceId, string repository, string tag)
    {
        var fullRepository = $"{TestEnvironment.Current.Registry}/{repository}";
        return new(serviceName, serviceId, fullRepository, tag, await DigestAsync(fullRepository, tag));
    }

    public void Dispose() => _registry.Dispose();
}
