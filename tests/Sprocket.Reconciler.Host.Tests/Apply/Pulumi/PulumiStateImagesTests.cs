using System.Text.Json.Nodes;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

/// <summary>The align's check of the refreshed state: every pinned service must run the pinned digest there.</summary>
public sealed class PulumiStateImagesTests
{
    private const string Repository = "127.0.0.1:5555/sprocketbot/web";
    private const string Aaa = "sha256:3145a6a6a8490013ec8f1f59a50ce7d80b6c7ba5d60d8fdf7cf11aa3cc40320c";
    private const string Bbb = "sha256:112e05d1a893aff736720e201d5fe0a6ad7409c32a4249d98b29a26100f40cf1";
    private static readonly PinnedImage PinnedAaa = new("web-1a2b", "id1", Repository, "git-aaa1111", Aaa);

    /// <summary>What <c>pulumi stack export</c> prints for the stack resource and one docker service.</summary>
    private static string Export(string name, string image) => new JsonObject
    {
        ["version"] = 3,
        ["deployment"] = new JsonObject
        {
            ["manifest"] = new JsonObject(),
            ["resources"] = new JsonArray(
                new JsonObject { ["urn"] = "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod", ["type"] = "pulumi:pulumi:Stack" },
                new JsonObject
                {
                    ["urn"] = "urn:pulumi:prod::platform::docker:index/service:Service::service0",
                    ["type"] = "docker:index/service:Service",
                    ["inputs"] = new JsonObject
                    {
                        ["name"] = name,
                        ["taskSpec"] = new JsonObject { ["containerSpec"] = new JsonObject { ["image"] = image } },
                    },
                    ["outputs"] = new JsonObject(),
                }),
        },
    }.ToJsonString();

    [Fact]
    public void A_refreshed_state_naming_the_pinned_digest_agrees()
    {
        var state = PulumiStateImages.Parse(Export("web-1a2b", $"{Repository}@{Aaa}"));

        Assert.Equal([("web-1a2b", $"{Repository}@{Aaa}")], state);
        Assert.Null(PulumiStateImages.Mismatch(state, [PinnedAaa]));
    }

    [Fact]
    public void A_rollback_refreshed_into_the_state_is_a_mismatch_that_names_what_runs()
    {
        var state = PulumiStateImages.Parse(Export("web-1a2b", $"{Repository}@{Bbb}"));

        Assert.Equal($"web-1a2b: runs {Repository}@{Bbb}, not {Aaa}", PulumiStateImages.Mismatch(state, [PinnedAaa]));
    }

    [Fact]
    public void A_service_found_by_neither_name_nor_repository_is_a_mismatch()
    {
        var state = PulumiStateImages.Parse(Export("other", $"registry.example/other@{Aaa}"));

        Assert.Equal("web-1a2b: not in Pulumi's state", PulumiStateImages.Mismatch(state, [PinnedAaa]));
    }
}
