using System.Net;
using System.Security.Cryptography;
using System.Text;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The GitHub push webhook against the running daemon. The poll interval is far longer than the test, so a new
/// revision showing up within the deadline can only come from the webhook.
/// </summary>
public sealed class WebhookTests
{
    private const string Secret = "webhook-secret-for-tests";
    private static readonly TimeSpan NoPolling = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static string Yaml(string prefix, string tag) => DesiredStateYaml.Render(new DesiredStack(prefix + "hook", tag,
        [new DesiredService($"{TestEnvironment.Current.Registry}/{SeededImages.Web}", prefix + "web*")]));

    [Fact]
    public async Task A_signed_push_to_the_branch_fetches_at_once_and_a_forged_one_is_refused()
    {
        var prefix = $"w{Guid.NewGuid():N}"[..9] + "-";
        await using var daemon = await DaemonProcess.StartAsync(Yaml(prefix, SeededImages.GitAaa),
            [$"--Reconciler:GitHub:WebhookSecret={Secret}"], pollInterval: NoPolling);
        await daemon.WaitForRevisionAsync(prefix + "hook", daemon.InitialRevision);
        var pushed = await daemon.CommitDesiredStateAsync(Yaml(prefix, SeededImages.GitBbb));
        // The daemon reads a local path, so any repository name is its; GitHub always sends one.
        var body = $$"""{"repository":{"full_name":"SprocketBot/desired-state"},"ref":"refs/heads/main","deleted":false,"after":"{{pushed}}"}""";
        const string feature = """{"ref":"refs/heads/feature","repository":{"full_name":"SprocketBot/desired-state"}}""";

        using (var forged = await daemon.SendAsync(Push(body, Sign("not-the-secret", body))))
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        using (var otherBranch = await daemon.SendAsync(Push(feature, Sign(Secret, feature))))
            Assert.Equal(HttpStatusCode.OK, otherBranch.StatusCode);
        Assert.Equal(daemon.InitialRevision, (await daemon.GetStackAsync(prefix + "hook"))!.Desired.Revision);

        using var accepted = await daemon.SendAsync(Push(body, Sign(Secret, body)));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var stack = await daemon.WaitForStackAsync(prefix + "hook", s => s.Desired.Revision == pushed, "the pushed revision", Deadline);
        Assert.Equal(SeededImages.GitBbb, stack.Desired.ImageTag);
        // lastReconcile belongs to whichever pass came last (a Swarm event from another test may follow at once);
        // the counter keeps that a webhook-triggered reconcile of this stack happened.
        var reconciles = await daemon.GetMetricsAsync();
        Assert.True(reconciles.Value("sprocket_reconciler_reconciles_total", ("stack", prefix + "hook"), ("trigger", "webhook"), ("outcome", "none")) >= 1,
            "no webhook-triggered reconcile of the stack was counted");
    }

    private static HttpRequestMessage Push(string body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/webhooks/github") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", signature);
        return request;
    }

    private static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
}
