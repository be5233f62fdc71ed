using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Host.Tests.Registry;

public sealed class RegistryAddressingTests
{
    [Theory]
    [InlineData("ghcr.io/sprocketbot/web", "ghcr.io", "sprocketbot/web")]
    [InlineData("127.0.0.1:5555/sprocketbot/web", "127.0.0.1:5555", "sprocketbot/web")]
    [InlineData("localhost/team/app", "localhost", "team/app")]
    [InlineData("nginx", "registry-1.docker.io", "library/nginx")]
    [InlineData("bitnami/redis", "registry-1.docker.io", "bitnami/redis")]
    [InlineData("docker.io/nginx", "registry-1.docker.io", "library/nginx")]
    public void Repositories_split_into_host_and_name_as_docker_does(string repository, string host, string name)
    {
        Assert.True(RegistryRepository.TryParse(repository, out var parsed));
        Assert.Equal(new RegistryRepository(host, name), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ghcr.io/SprocketBot/Web")]
    [InlineData("ghcr.io/a/b:tag")]
    [InlineData("ghcr.io/")]
    public void Invalid_repositories_are_rejected(string repository) =>
        Assert.False(RegistryRepository.TryParse(repository, out _));

    [Theory]
    [InlineData("127.0.0.1:5000", "http")]
    [InlineData("127.9.9.9:5000", "http")]
    [InlineData("localhost:5000", "http")]
    [InlineData("[::1]:5000", "http")]
    [InlineData("ghcr.io", "https")]
    [InlineData("registry.lan:5000", "http")]   // listed as host:port
    [InlineData("registry.lan:6000", "https")]  // same host, other port: not listed
    [InlineData("mirror.lan:443", "http")]      // listed without a port: every port
    public void Scheme_is_https_except_for_loopback_and_listed_insecure_hosts(string host, string scheme) =>
        Assert.Equal(scheme, RegistryAddress.BaseUri(host, ["registry.lan:5000", "mirror.lan"]).Scheme);
}
