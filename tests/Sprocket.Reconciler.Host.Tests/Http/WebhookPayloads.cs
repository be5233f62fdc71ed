using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Sprocket.Reconciler.Host.Tests.Http;

/// <summary>The octokit/webhooks payload examples in TestData (see its README), and GitHub's two ways of sending them.</summary>
internal static class WebhookPayloads
{
    public const string Repository = "Codertocat/Hello-World";
    public const string Branch = "master";

    /// <summary>A push creating refs/heads/master of Codertocat/Hello-World.</summary>
    public static string PushToMaster => Read("push-with-new-branch.payload.json");

    /// <summary>A push deleting refs/tags/simple-tag.</summary>
    public static string DeletingPush => Read("push-payload.json");

    public static string Ping => Read("ping-payload.json");

    public static string Read(string name) => File.ReadAllText(Path.Combine(
        PulumiTestPaths.RepositoryRoot, "tests", "Sprocket.Reconciler.Host.Tests", "Http", "TestData", "octokit-webhooks", name));

    /// <summary>The example with one field changed, e.g. to make the deletion example delete the watched branch.</summary>
    public static string With(string json, string field, JsonNode? value)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node[field] = value;
        return node.ToJsonString();
    }

    /// <summary>GitHub's default content type: the JSON, form-encoded, as the field <c>payload</c>.</summary>
    public static byte[] AsForm(string json) => Encoding.ASCII.GetBytes("payload=" + Uri.EscapeDataString(json).Replace("%20", "+"));

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
