using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// Gatus' external endpoints: <c>POST /api/v1/endpoints/{key}/external?success={true|false}&amp;error={…}&amp;duration={…}</c>
/// with <c>Authorization: Bearer &lt;token&gt;</c>, the key being <c>&lt;group&gt;_&lt;name&gt;</c> with
/// <c>/ _ . , space # + &amp;</c> replaced by <c>-</c> (TwiN/gatus api/external_endpoint.go, config/key/key.go), against
/// <see cref="GatusFake"/>, which refuses what Gatus refuses.
/// </summary>
public sealed class GatusNotifierTests
{
    private const string Token = "gatus-notify-test-token-42";

    [Theory]
    [InlineData("sprocket-reconciler", "platform-prod", "sprocket-reconciler_platform-prod")]
    [InlineData("core", "ext-ep-test", "core_ext-ep-test")]
    [InlineData(" Prod Stacks ", "a.b_c/d#e+f&g,h", "prod-stacks_a-b-c-d-e-f-g-h")]
    public void The_key_is_built_as_Gatus_builds_it(string group, string name, string key) =>
        Assert.Equal(key, GatusResult.KeyOf(group, name));

    [Fact]
    public async Task Synced_pushes_a_success_without_error()
    {
        await using var gatus = (await GatusFake.StartAsync()).Endpoint("sprocket-reconciler", "platform-prod", Token);
        await using var harness = await NotifyHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Reconciler:Gatus:Url"] = gatus.Url,
            ["Reconciler:Gatus:Token"] = Token,
        });

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Synced, "all services run sha-4f2a9c1e0b7d"));
        var request = Assert.Single(await gatus.WaitForRequests(1, "the result"));

        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/endpoints/sprocket-reconciler_platform-prod/external", request.Path);
        Assert.Equal("?success=true", request.RawQuery);
        Assert.Equal("Bearer " + Token, request.Header("Authorization"));
        Assert.Equal("", request.Body);
        await harness.WaitForCount(harness.Sent, "gatus", NotificationKind.Synced, 1, "the result counted as sent");
    }

    [Fact]
    public async Task A_failed_deploy_pushes_a_failure_with_its_reason_and_duration_to_the_configured_group_and_stack_token()
    {
        await using var gatus = (await GatusFake.StartAsync())
            .Endpoint("Swarm Stacks", "platform-prod", "per-stack-token")
            .Endpoint("Swarm Stacks", "other", Token);
        await using var harness = await NotifyHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Reconciler:Gatus:Url"] = gatus.Url + "/status/",
            ["Reconciler:Gatus:Token"] = Token,
            ["Reconciler:Gatus:Group"] = "Swarm Stacks",
            ["Reconciler:Gatus:StackTokens:platform-prod"] = "per-stack-token",
        });

        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeployFailed, "update rolled back due to failure: task exited (1) & restarted")
            with { Duration = TimeSpan.FromMilliseconds(83_250.7) });
        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeployStarted));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "held after a manual rollback", stack: "other"));
        var requests = await gatus.WaitForRequests(2, "two results");
        await harness.WaitForCount(harness.Sent, "gatus", NotificationKind.Hold, 1, "the hold pushed");

        Assert.Equal(2, gatus.Requests().Count);
        var failed = requests[0];
        Assert.Equal("/status/api/v1/endpoints/swarm-stacks_platform-prod/external", failed.Path);
        Assert.Equal("Bearer per-stack-token", failed.Header("Authorization"));
        Assert.Equal(3, failed.Query.Count);
        Assert.Equal("false", failed.Query["success"]);
        Assert.Equal("Deploy of sha-4f2a9c1e0b7d to platform-prod failed: update rolled back due to failure: task exited (1) & restarted", failed.Query["error"]);
        // Go's time.ParseDuration reads it.
        Assert.Equal("83250ms", failed.Query["duration"]);

        var held = requests[1];
        Assert.Equal("/status/api/v1/endpoints/swarm-stacks_other/external", held.Path);
        Assert.Equal("Bearer " + Token, held.Header("Authorization"));
        Assert.Equal("false", held.Query["success"]);
        Assert.Equal("other held at sha-4f2a9c1e0b7d: held after a manual rollback", held.Query["error"]);
        Assert.False(held.Query.ContainsKey("duration"));
        Assert.DoesNotContain("per-stack-token", harness.AllLogText());
    }

    [Fact]
    public async Task A_group_with_characters_Gatus_keeps_reaches_its_endpoint_because_the_key_is_sent_unescaped()
    {
        // Gatus keeps '(' ')' ':' in keys and its router does not decode the path, so "%28" would name no endpoint.
        await using var gatus = (await GatusFake.StartAsync()).Endpoint("Platform (prod):eu", "platform-prod", Token);
        await using var harness = await NotifyHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Reconciler:Gatus:Url"] = gatus.Url,
            ["Reconciler:Gatus:Token"] = Token,
            ["Reconciler:Gatus:Group"] = "Platform (prod):eu",
        });

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Synced));
        await harness.WaitForCount(harness.Sent, "gatus", NotificationKind.Synced, 1, "the result accepted by Gatus");

        Assert.Equal("/api/v1/endpoints/platform-(prod):eu_platform-prod/external", Assert.Single(gatus.Requests()).Path);
        Assert.Equal(0, NotifyHarness.Count(harness.Failed, "gatus", NotificationKind.Synced));
    }

    [Fact]
    public async Task A_refused_token_is_a_counted_failure_with_Gatus_reason()
    {
        await using var gatus = (await GatusFake.StartAsync()).Endpoint("sprocket-reconciler", "platform-prod", "the-right-token");
        await using var harness = await NotifyHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Reconciler:Gatus:Url"] = gatus.Url,
            ["Reconciler:Gatus:Token"] = Token,
        });

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "held"));
        await harness.WaitForCount(harness.Failed, "gatus", NotificationKind.Hold, 1, "the refusal counted");

        var warning = Assert.Single(harness.Logs.GetSnapshot(), r => r.Id.Id == 8002);
        Assert.EndsWith("Gatus answered 401 Unauthorized: invalid token", warning.Message);
        Assert.DoesNotContain(Token, harness.AllLogText());
    }

    [Theory]
    [InlineData("Prod?eu")]
    [InlineData("Prod%20eu")]
    [InlineData("Prödüktion")]
    [InlineData("prod\"eu\"")]
    public void A_group_whose_key_cannot_travel_unescaped_in_a_URL_path_stops_the_start(string group)
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => NotifyHarness.Build(new Dictionary<string, string?>
        {
            ["Reconciler:Gatus:Url"] = "https://status.example.org",
            ["Reconciler:Gatus:Token"] = Token,
            ["Reconciler:Gatus:Group"] = group,
        }).Dispose());

        Assert.Contains("Reconciler:Gatus:Group", error.Message);
    }
}
