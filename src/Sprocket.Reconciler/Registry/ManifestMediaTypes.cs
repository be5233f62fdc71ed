namespace Sprocket.Reconciler.Registry;

/// <summary>
/// The manifest kinds we accept. Offering the list/index types matters: without them a registry
/// would answer a multi-arch tag with a converted single manifest whose digest is not the one Swarm records.
/// </summary>
public static class ManifestMediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    public static IReadOnlyList<string> Accepted { get; } = [DockerManifest, DockerManifestList, OciManifest, OciIndex];
}
