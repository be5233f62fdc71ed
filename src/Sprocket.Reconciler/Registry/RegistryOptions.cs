namespace Sprocket.Reconciler.Registry;

/// <summary>Bound from <c>Reconciler:Registry</c>.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Reconciler:Registry";

    /// <summary>Hosts reached over plain HTTP (<c>host</c> for every port, or <c>host:port</c>). Loopback hosts always are.</summary>
    public List<string> Insecure { get; set; } = [];

    /// <summary>Keyed by registry host, or by any name when <see cref="RegistryCredential.Host"/> is set.</summary>
    public Dictionary<string, RegistryCredential> Credentials { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long an immutable tag's digest is trusted before the registry is asked again (to catch a re-pushed tag).</summary>
    public TimeSpan TagRecheckInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The <c>n=</c> asked for per page of <c>/tags/list</c>.</summary>
    public int TagListPageSize { get; set; } = 100;

    /// <summary>Limit for one registry HTTP request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The credential for <paramref name="host"/>, or null to go anonymous.</summary>
    public RegistryCredential? CredentialFor(string host)
    {
        foreach (var (key, credential) in Credentials)
        {
            var credentialHost = NormalizeHost(string.IsNullOrWhiteSpace(credential.Host) ? key : credential.Host.Trim());
            if (string.Equals(credentialHost, NormalizeHost(host), StringComparison.OrdinalIgnoreCase))
            {
                return credential;
            }
        }
        return null;
    }

    // Docker users write docker.io; the API lives at registry-1.docker.io.
    private static string NormalizeHost(string host) =>
        host is "docker.io" or "index.docker.io" ? RegistryRepository.DockerHubHost : host;
}
