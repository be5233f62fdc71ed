using System.Text.Json.Nodes;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

/// <summary>The align's up runs only if its preview changes no docker service but to a verified digest.</summary>
public sealed class AlignPreviewGuardTests
{
    private const string Repository = "127.0.0.1:5555/sprocketbot/web";
    private const string Aaa = "sha256:3145a6a6a8490013ec8f1f59a50ce7d80b6c7ba5d60d8fdf7cf11aa3cc40320c";
    private const string Bbb = "sha256:112e05d1a893aff736720e201d5fe0a6ad7409c32a4249d98b29a26100f40cf1";
    private static readonly PinnedImage VerifiedAaa = new("web-1a2b", "id1", Repository, "git-aaa1111", Aaa);

    private static PreviewDocument Preview(string op, string? image) => PreviewDocument.Parse(new JsonObject
    {
        ["steps"] = new JsonArray(
            new JsonObject { ["op"] = "same", ["urn"] = "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod", ["newState"] = new JsonObject { ["type"] = "pulumi:pulumi:Stack" } },
            new JsonObject
            {
                ["op"] = op,
                ["urn"] = "urn:pulumi:prod::platform::docker:index/service:Service::web",
                ["newState"] = new JsonObject
                {
                    ["type"] = "docker:index/service:Service",
                    ["inputs"] = image is null ? new JsonObject { ["name"] = "web-1a2b" } : new JsonObject
                    {
                        ["name"] = "web-1a2b",
                        ["taskSpec"] = new JsonObject { ["containerSpec"] = new JsonObject { ["image"] = image } },
                    },
                },
            }),
    }.ToJsonString());

    [Theory]
    [InlineData("same", Bbb)]
    [InlineData("update", Aaa)]
    [InlineData("replace", Aaa)]
    public void Unchanged_services_and_changes_to_the_verified_digest_pass(string op, string digest) =>
        Assert.Null(AlignPreviewGuard.Problem(Preview(op, $"{Repository}:git-aaa1111@{digest}"), [VerifiedAaa]));

    [Theory]
    [InlineData("update")]
    [InlineData("replace")]
    public void A_change_to_another_digest_names_the_service(string op) =>
        Assert.Equal($"web-1a2b: {op} to {Repository}@{Bbb}, not the verified {Aaa}",
            AlignPreviewGuard.Problem(Preview(op, $"{Repository}@{Bbb}"), [VerifiedAaa]));

    [Fact]
    public void A_change_to_a_tag_without_digest_or_to_no_image_or_to_an_unpinned_service_is_refused()
    {
        Assert.NotNull(AlignPreviewGuard.Problem(Preview("update", $"{Repository}:git-aaa1111"), [VerifiedAaa]));
        Assert.Equal("web-1a2b: delete with no new image", AlignPreviewGuard.Problem(Preview("delete", null), [VerifiedAaa]));
        Assert.Equal($"web-1a2b: update to registry.example/other@{Aaa}, which is not pinned",
            AlignPreviewGuard.Problem(Preview("update", $"registry.example/other@{Aaa}"), []));
    }

    [Fact]
    public void The_recorded_preview_gives_each_service_step_its_name_and_new_image()
    {
        var step = PreviewDocument.Parse(File.ReadAllText(PulumiTestPaths.TestData("preview-update-service.json"))).Steps[1];

        Assert.Equal(("prod-sprocket-web-service-1a2b3c4", "ghcr.io/sprocketbot/sprocket-web:sha-bbbbbbb"), (step.ServiceName, step.NewImage));
    }
}
