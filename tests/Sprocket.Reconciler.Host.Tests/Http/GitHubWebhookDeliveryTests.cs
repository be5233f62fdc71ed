using System.Text;
using System.Text.Json.Nodes;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Http;

/// <summary>
/// Real deliveries (octokit/webhooks payload examples, see TestData) against the endpoint on a loopback host, in
/// both content types GitHub offers. GitHub signs the body as sent ("Validating webhook deliveries": HMAC-SHA256 of
/// the payload body, hex, prefixed <c>sha256=</c>), which for the form type is the form-encoded bytes.
/// </summary>
public sealed class GitHubWebhookDeliveryTests : IAsyncLifetime
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";
    private WebhookHost _host = null!;

    public async Task InitializeAsync() => _host = await WebhookHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string> ContentTypes => [Json, Form];

    private static byte[] Body(string contentType, string json) =>
        contentType == Form ? WebhookPayloads.AsForm(json) : Encoding.UTF8.GetBytes(json);

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task A_push_to_the_watched_branch_fetches_in_either_content_type(string contentType)
    {
        var (status, body) = await _host.DeliverAsync("push", Body(contentType, WebhookPayloads.PushToMaster), contentType);

        Assert.Equal(202, status);
        Assert.Contains("fetching refs/heads/master", body);
        Assert.Equal((DesiredStatePollJob.Key, ReconcileTrigger.Webhook.Spell()), Assert.Single(_host.Triggers));
    }

    [Fact]
    public async Task The_form_signature_is_checked_over_the_raw_form_bytes_not_the_decoded_JSON()
    {
        var form = WebhookPayloads.AsForm(WebhookPayloads.PushToMaster);

        var (status, _) = await _host.DeliverAsync("push", form, Form,
            signature: WebhookPayloads.Sign(WebhookHost.Secret, Encoding.UTF8.GetBytes(WebhookPayloads.PushToMaster)));

        Assert.Equal(401, status);
        Assert.Empty(_host.Triggers);
    }

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task A_push_of_another_repository_is_ignored_without_fetching(string contentType)
    {
        var other = JsonNode.Parse(WebhookPayloads.PushToMaster)!;
        other["repository"]!["full_name"] = "Codertocat/Other-World";

        var (status, body) = await _host.DeliverAsync("push", Body(contentType, other.ToJsonString()), contentType);

        Assert.Equal(200, status);
        Assert.Contains("push to Codertocat/Other-World ignored; the desired state is in Codertocat/Hello-World", body);
        Assert.Empty(_host.Triggers);
    }

    [Fact]
    public async Task The_repository_name_is_compared_as_GitHub_does_ignoring_case()
    {
        var shouted = JsonNode.Parse(WebhookPayloads.PushToMaster)!;
        shouted["repository"]!["full_name"] = "CODERTOCAT/hello-world";

        var (status, _) = await _host.DeliverAsync("push", Encoding.UTF8.GetBytes(shouted.ToJsonString()), Json);

        Assert.Equal(202, status);
        Assert.Single(_host.Triggers);
    }

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task Deleting_the_watched_branch_is_ignored_without_fetching(string contentType)
    {
        // The example deletes a tag; pointed at the watched branch it is the deletion a fetch must not follow.
        var deletion = WebhookPayloads.With(WebhookPayloads.DeletingPush, "ref", "refs/heads/master");

        var (status, body) = await _host.DeliverAsync("push", Body(contentType, deletion), contentType);

        Assert.Equal(200, status);
        Assert.Contains("deletion of refs/heads/master ignored", body);
        Assert.Empty(_host.Triggers);
    }

    [Fact]
    public async Task A_push_to_another_ref_is_ignored_naming_both_refs()
    {
        var (status, body) = await _host.DeliverAsync("push", WebhookPayloads.AsForm(WebhookPayloads.DeletingPush), Form);

        Assert.Equal(200, status);
        Assert.Contains("push to refs/tags/simple-tag ignored; watching refs/heads/master", body);
        Assert.Empty(_host.Triggers);
    }

    public static TheoryData<string, string, string> NotWhatGitHubSends => new()
    {
        { Json, """[{"ref":"refs/heads/master"}]""", "the payload is a JSON array, not the object GitHub sends" },
        { Json, "\"refs/heads/master\"", "the payload is a JSON string, not the object GitHub sends" },
        { Json, """{"repository":{"full_name":"Codertocat/Hello-World"}}""", "the push has no 'ref'" },
        { Json, """{"ref":42,"repository":{"full_name":"Codertocat/Hello-World"}}""", "the push's 'ref' is a JSON number, not a string" },
        { Json, """{"ref":null,"repository":{"full_name":"Codertocat/Hello-World"}}""", "the push's 'ref' is a JSON null, not a string" },
        { Json, """{"ref":"refs/heads/master"}""", "the push has no string 'repository.full_name'" },
        { Json, """{"ref":"refs/heads/master","repository":{"full_name":"Codertocat/Hello-World"},"deleted":"no"}""", "the push's 'deleted' is a JSON string, not a boolean" },
        { Json, "{\"ref\":", "the payload is not JSON" },
        { Form, "payload=%7B%22ref%22%3A%zz", "bad form encoding: '%' at byte" },
        { Form, "payload=%FF%FE", "bad form encoding: a field is not UTF-8 once decoded" },
        { Form, "ref=refs%2Fheads%2Fmaster", "the form has no 'payload' field" },
        { Form, "payload=%7B%7D&payload=%7B%7D", "the form has more than one 'payload' field" },
        { Form, "payload=%5B%5D", "the payload is a JSON array, not the object GitHub sends" },
        { Form, Encoding.ASCII.GetString(WebhookPayloads.AsForm(WebhookPayloads.With(WebhookPayloads.PushToMaster, "ref", 7))),
            "the push's 'ref' is a JSON number, not a string" },
    };

    [Theory]
    [MemberData(nameof(NotWhatGitHubSends))]
    public async Task A_signed_body_GitHub_would_not_send_is_a_400_naming_the_problem(string contentType, string body, string problem)
    {
        var (status, answer) = await _host.DeliverAsync("push", Encoding.UTF8.GetBytes(body), contentType);

        Assert.Equal(400, status);
        Assert.Contains("not a GitHub push payload: " + problem, JsonNode.Parse(answer)!["error"]!.GetValue<string>());
        Assert.Empty(_host.Triggers);
    }

    [Fact]
    public async Task A_content_type_GitHub_does_not_send_is_a_415()
    {
        var (status, answer) = await _host.DeliverAsync("push", Encoding.UTF8.GetBytes(WebhookPayloads.PushToMaster), "text/plain");

        Assert.Equal(415, status);
        Assert.Contains("content type 'text/plain' is not one GitHub sends", JsonNode.Parse(answer)!["error"]!.GetValue<string>());
        Assert.Empty(_host.Triggers);
    }

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task A_ping_is_answered_200_with_what_the_webhook_does(string contentType)
    {
        var (status, body) = await _host.DeliverAsync("ping", Body(contentType, WebhookPayloads.Ping), contentType);

        Assert.Equal(200, status);
        Assert.Contains("pong", body);
        Assert.Contains("refs/heads/master", body);
        Assert.Empty(_host.Triggers);
    }

    [Fact]
    public async Task A_local_desired_state_repository_cannot_be_compared_so_only_the_branch_decides()
    {
        await using var local = await WebhookHost.StartAsync(repository: "/srv/git/desired-state.git");

        var (status, _) = await local.DeliverAsync("push", WebhookPayloads.AsForm(WebhookPayloads.PushToMaster), Form);

        Assert.Equal(202, status);
        Assert.Single(local.Triggers);
    }
}
