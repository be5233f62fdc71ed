using Sprocket.Reconciler.Core.Images;

namespace Sprocket.Reconciler.Core.Tests.Images;

public class ImageReferenceParserTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("ghcr.io/sprocketbot/web:git-aaa1111", "ghcr.io/sprocketbot/web", "git-aaa1111", null)]
    [InlineData("ghcr.io/sprocketbot/web@" + Digest, "ghcr.io/sprocketbot/web", null, Digest)]
    [InlineData("ghcr.io/sprocketbot/web:git-aaa1111@" + Digest, "ghcr.io/sprocketbot/web", "git-aaa1111", Digest)]
    [InlineData("127.0.0.1:5555/sprocketbot/web:master", "127.0.0.1:5555/sprocketbot/web", "master", null)]
    [InlineData("127.0.0.1:5555/sprocketbot/web", "127.0.0.1:5555/sprocketbot/web", null, null)]
    [InlineData("localhost/web", "localhost/web", null, null)]
    [InlineData("nginx", "nginx", null, null)]
    [InlineData("sprocketbot/web:sha-4f2a9c1e0b7d", "sprocketbot/web", "sha-4f2a9c1e0b7d", null)]
    public void Parses_every_form_swarm_stores(string text, string repository, string? tag, string? digest)
    {
        Assert.True(ImageReferenceParser.TryParse(text, out var reference));
        Assert.Equal(new ImageReference(repository, tag, digest), reference);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("ghcr.io/SprocketBot/web")]
    [InlineData("ghcr.io/sprocketbot/web:")]
    [InlineData("ghcr.io/sprocketbot/web@sha256:short")]
    [InlineData("ghcr.io/sprocketbot/web:bad tag")]
    [InlineData("ghcr.io//web")]
    public void Rejects_malformed_references(string text) => Assert.False(ImageReferenceParser.TryParse(text, out _));

    [Theory]
    [InlineData("nginx", "docker.io/library/nginx")]
    [InlineData("library/nginx", "docker.io/library/nginx")]
    [InlineData("docker.io/library/nginx", "docker.io/library/nginx")]
    [InlineData("sprocketbot/web", "docker.io/sprocketbot/web")]
    [InlineData("GHCR.io/sprocketbot/web", "ghcr.io/sprocketbot/web")]
    [InlineData("127.0.0.1:5555/sprocketbot/web", "127.0.0.1:5555/sprocketbot/web")]
    public void Normalizes_repositories_the_way_docker_resolves_them(string repository, string normalized) =>
        Assert.Equal(normalized, ImageReferenceParser.Normalize(repository));
}
