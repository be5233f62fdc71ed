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

    private const string ApiRepository = "127.0.0.1:5555/sprocketbot/api";
    private static readonly PinnedImage PinnedApiBbb = new("api-3c4d", "id2", ApiRepository, "git-bbb2222", Bbb);

    /// <summary>What <c>pulumi stack export</c> prints for the stack resource and one docker service.</summary>
    private static string Export(string name, string image) => Export(Service(name, inputsImage: image, outputsImage: null));

    private static string Export(params JsonObject[] services) => new JsonObject
    {
        ["version"] = 3,
        ["deployment"] = new JsonObject
        {
            ["manifest"] = new JsonObject(),
            ["resources"] = new JsonArray(
                [new JsonObject { ["urn"] = "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod", ["type"] = "pulumi:pulumi:Stack" },
                 .. services]),
        },
    }.ToJsonString();

    private static JsonObject Service(string name, string? inputsImage, string? outputsImage, bool pendingDelete = false)
    {
        var service = new JsonObject
        {
            ["urn"] = $"urn:pulumi:prod::platform::docker:index/service:Service::{name}",
            ["type"] = "docker:index/service:Service",
            ["inputs"] = Properties(name, inputsImage),
            ["outputs"] = Properties(name, outputsImage),
        };
        if (pendingDelete)
            service["delete"] = true;
        return service;
    }

    private static JsonObject Properties(string name, string? image) => image is null ? new JsonObject() : new JsonObject
    {
        ["name"] = name,
        ["taskSpec"] = new JsonObject { ["containerSpec"] = new JsonObject { ["image"] = image } },
    };

    [Fact]
    public void Several_services_are_each_checked_against_their_own_pin()
    {
        var state = PulumiStateImages.Parse(Export(
            Service("web-1a2b", $"{Repository}@{Aaa}", $"{Repository}@{Aaa}"),
            Service("api-3c4d", $"{ApiRepository}@{Aaa}", $"{ApiRepository}@{Aaa}")));

        Assert.Equal([("web-1a2b", $"{Repository}@{Aaa}"), ("api-3c4d", $"{ApiRepository}@{Aaa}")], state);
        Assert.Equal($"api-3c4d: runs {ApiRepository}@{Aaa}, not {Bbb}", PulumiStateImages.Mismatch(state, [PinnedAaa, PinnedApiBbb]));
    }

    [Fact]
    public void Outputs_only_are_read()
    {
        var state = PulumiStateImages.Parse(Export(Service("web-1a2b", inputsImage: null, outputsImage: $"{Repository}@{Aaa}")));

        Assert.Equal([("web-1a2b", $"{Repository}@{Aaa}")], state);
    }

    [Fact]
    public void The_refreshed_outputs_win_over_inputs_the_refresh_left_as_they_were()
    {
        // Refresh rewrote the outputs from Swarm (the on-call's rollback to BBB); the inputs still say AAA.
        var state = PulumiStateImages.Parse(Export(Service("web-1a2b", $"{Repository}@{Aaa}", $"{Repository}@{Bbb}")));

        Assert.Equal($"web-1a2b: runs {Repository}@{Bbb}, not {Aaa}", PulumiStateImages.Mismatch(state, [PinnedAaa]));
    }

    [Fact]
    public void A_resource_pending_delete_is_left_out()
    {
        var state = PulumiStateImages.Parse(Export(
            Service("web-1a2b", $"{Repository}@{Bbb}", $"{Repository}@{Bbb}", pendingDelete: true),
            Service("web-1a2b", $"{Repository}@{Aaa}", $"{Repository}@{Aaa}")));

        Assert.Equal([("web-1a2b", $"{Repository}@{Aaa}")], state);
        Assert.Null(PulumiStateImages.Mismatch(state, [PinnedAaa]));
    }

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
