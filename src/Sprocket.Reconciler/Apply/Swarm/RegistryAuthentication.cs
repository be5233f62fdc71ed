using Docker.DotNet.Models;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>The X-Registry-Auth a ServiceUpdate carries so that Swarm's workers can pull a private image.</summary>
internal static class RegistryAuthentication
{
    /// <summary>Credentials for the registry of <paramref name="repository"/>, or null to send none (public image, or no
    /// credentials configured: the workers then pull anonymously).</summary>
    public static AuthConfig? For(string repository, RegistryOptions options)
    {
        if (!RegistryRepository.TryParse(repository, out var parsed)) return null;
        var credential = options.CredentialFor(parsed.Host);
        if (credential is null || string.IsNullOrEmpty(credential.Username)) return null;
        return new AuthConfig
        {
            Username = credential.Username,
            Password = credential.Password,
            // Docker keys its credentials by host: docker.io images are "https://index.docker.io/v1/".
            ServerAddress = parsed.Host == RegistryRepository.DockerHubHost ? "https://index.docker.io/v1/" : parsed.Host,
        };
    }
}
