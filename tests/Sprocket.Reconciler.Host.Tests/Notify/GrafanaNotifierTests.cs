using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// Grafana's "Create Annotation": <c>POST /api/annotations</c> with <c>Accept: application/json</c>,
/// <c>Content-Type: application/json</c>, <c>Authorization: Bearer &lt;service account token&gt;</c> and a body of
/// <c>time</c> (epoch ms), <c>tags</c> and <c>text</c>; no dashboardUID/panelId makes it an organization annotation,
/// which the token may create with <c>annotations:create</c> on <c>annotations:type:organization</c> alone.
/// </summary>
public sealed class GrafanaNotifierTests
{
    private const string Token = "glsa_notifyTestToken_0123456789";

    private static Dictionary<string, string?> Settings(GrafanaFake grafana, string path = "") => new()
    {
        ["Reconciler:Grafana:Url"] = grafana.Url + path,
        ["Reconciler:Grafana:Token"] = Token,
    };

    [Fact]
    public async Task Drift_becomes_an_organization_annotation_tagged_with_stack_services_and_event()
    {
        using var grafana = new GrafanaFake(Token, GrafanaFake.Create());
        await using var harness = await NotifyHarness.StartAsync(Settings(grafana, "/grafana"));

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Drift, "prod-sprocket-web-service-1a2b3c4 was changed by hand"));
        var request = Assert.Single(await grafana.Server.WaitForRequests(1, "the annotation"));

        Assert.Equal("POST", request.Method);
        // Grafana served under a sub-path keeps it.
        Assert.Equal("/grafana/api/annotations", request.Path);
        Assert.Equal("", request.RawQuery);
        Assert.Equal("Bearer " + Token, request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        JsonAssert.Equal($$"""
            {
              "time": {{Notifications.At.ToUnixTimeMilliseconds()}},
              "tags": ["sprocket-reconciler", "platform-prod", "prod-sprocket-web-service-1a2b3c4", "prod-sprocket-worker-service-5d6e7f8", "drift"],
              "text": "platform-prod drifted from sha-4f2a9c1e0b7d: prod-sprocket-web-service-1a2b3c4 was changed by hand (desired-state revision 4f2a9c1e0b7d)"
            }
            """, request.Body);
        await harness.WaitForCount(harness.Sent, "grafana", NotificationKind.Drift, 1, "the annotation counted as sent");
        Assert.DoesNotContain(Token, harness.AllLogText());
    }

    [Fact]
    public async Task A_deploy_end_is_tagged_deploy_and_its_outcome_and_its_start_is_not_annotated()
    {
        using var grafana = new GrafanaFake(Token, GrafanaFake.Create());
        await using var harness = await NotifyHarness.StartAsync(Settings(grafana));

        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeployStarted));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeployFailed, "update rolled back due to failure"));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.Synced));
        harness.Publisher.Publish(Notifications.Of(NotificationKind.EmergencyRollback) with
        {
            Tag = "sha-0d1e2f3a4b5c",
            PreviousTag = "sha-4f2a9c1e0b7d",
            Services = ["prod-sprocket-web-service-1a2b3c4"],
        });
        var requests = await grafana.Server.WaitForRequests(2, "two annotations");
        await harness.WaitForCount(harness.Sent, "grafana", NotificationKind.EmergencyRollback, 1, "the rollback annotated");

        Assert.Equal(2, grafana.Server.Requests().Count);
        Assert.Equal("/api/annotations", requests[0].Path);
        JsonAssert.Equal($$"""
            {
              "time": {{Notifications.At.ToUnixTimeMilliseconds()}},
              "tags": ["sprocket-reconciler", "platform-prod", "prod-sprocket-web-service-1a2b3c4", "prod-sprocket-worker-service-5d6e7f8", "deploy", "deploy-failed"],
              "text": "Deploy of sha-4f2a9c1e0b7d to platform-prod failed: update rolled back due to failure (desired-state revision 4f2a9c1e0b7d)"
            }
            """, requests[0].Body);
        JsonAssert.Equal($$"""
            {
              "time": {{Notifications.At.ToUnixTimeMilliseconds()}},
              "tags": ["sprocket-reconciler", "platform-prod", "prod-sprocket-web-service-1a2b3c4", "emergency-rollback"],
              "text": "Emergency rollback of platform-prod to sha-0d1e2f3a4b5c (from sha-4f2a9c1e0b7d) (desired-state revision 4f2a9c1e0b7d)"
            }
            """, requests[1].Body);
    }

    [Fact]
    public async Task The_documented_permission_is_enough_and_annotations_write_alone_is_refused()
    {
        // annotations:write is Grafana's action for updating annotations; creating one is annotations:create.
        using var writeOnly = new GrafanaFake(Token, ("annotations:write", GrafanaFake.OrganizationScope));
        await using var refused = await NotifyHarness.StartAsync(Settings(writeOnly));
        refused.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "held"));
        await refused.WaitForCount(refused.Failed, "grafana", NotificationKind.Hold, 1, "the refusal counted");
        Assert.Contains("Grafana answered 403", Assert.Single(refused.Logs.GetSnapshot(), r => r.Id.Id == 8002).Message);

        using var documented = new GrafanaFake(Token, ("annotations:create", "annotations:type:organization"));
        await using var accepted = await NotifyHarness.StartAsync(Settings(documented));
        accepted.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "held"));
        await accepted.WaitForCount(accepted.Sent, "grafana", NotificationKind.Hold, 1, "the annotation created");
    }
}
