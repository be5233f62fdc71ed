using Sprocket.Reconciler.GitHub;
using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// The GitHub notifier against a stand-in that records every request. Expected requests follow GitHub's REST docs:
/// "Create a commit status" (POST /repos/{owner}/{repo}/statuses/{sha}: state, target_url, description, context),
/// "Create a deployment" (POST /repos/{owner}/{repo}/deployments: ref, auto_merge, required_contexts, payload,
/// environment, description) and "Create a deployment status" (POST …/deployments/{id}/statuses: state, log_url,
/// description), authenticated with <c>Authorization: Bearer</c>, with a User-Agent (required by GitHub), a GitHub
/// media type, the pinned API version header and JSON bodies sent as <c>application/json</c>.
/// </summary>
public sealed class GitHubNotifierTests
{
    [Fact]
    public async Task A_deploy_sets_a_pending_then_successful_commit_status_and_a_deployment_with_statuses()
    {
        using var github = new GitHubStandIn();
        await using var harness = await NotifyHarness.StartAsync(github.Settings());

        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeployStarted));
        var started = await github.Server.WaitForRequests(3, "the commit status, the deployment and its in_progress status");
        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeploySucceeded) with { Duration = TimeSpan.FromSeconds(42) });
        var all = await github.Server.WaitForRequests(5, "the success commit status and deployment status");

        Assert.Equal(5, all.Count);
        foreach (var request in all)
        {
            Assert.Equal("POST", request.Method);
            Assert.Equal("Bearer " + GitHubStandIn.Token, request.Header("Authorization"));
            Assert.StartsWith("sprocket-reconciler/", request.Header("User-Agent"));
            Assert.Equal("application/vnd.github.v3+json", request.Header("Accept"));
            Assert.Equal("2022-11-28", request.Header("X-GitHub-Api-Version"));
            Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
            Assert.Equal("", request.RawQuery);
        }

        const string link = "https://reconciler.example.org/#platform-prod";
        const string startedText = "Deploying sha-4f2a9c1e0b7d to platform-prod (was sha-0d1e2f3a4b5c)";
        const string doneText = "Deployed sha-4f2a9c1e0b7d to platform-prod (was sha-0d1e2f3a4b5c)";

        Assert.Equal($"{github.RepoPath}/statuses/{Notifications.Revision}", all[0].Path);
        JsonAssert.Equal($$"""
            {"state":"pending","target_url":"{{link}}","description":"{{startedText}}","context":"sprocket-reconciler/platform-prod"}
            """, all[0].Body);

        Assert.Equal($"{github.RepoPath}/deployments", all[1].Path);
        JsonAssert.Equal($$"""
            {"ref":"{{Notifications.Revision}}","auto_merge":false,"required_contexts":[],
             "payload":{"tag":"sha-4f2a9c1e0b7d","previous_tag":"sha-0d1e2f3a4b5c"},
             "environment":"platform-prod","description":"{{startedText}}"}
            """, all[1].Body);

        Assert.Equal($"{github.RepoPath}/deployments/{GitHubStandIn.DeploymentId}/statuses", all[2].Path);
        JsonAssert.Equal($$"""{"state":"in_progress","log_url":"{{link}}","description":"{{startedText}}"}""", all[2].Body);

        Assert.Equal($"{github.RepoPath}/statuses/{Notifications.Revision}", all[3].Path);
        JsonAssert.Equal($$"""
            {"state":"success","target_url":"{{link}}","description":"{{doneText}}","context":"sprocket-reconciler/platform-prod"}
            """, all[3].Body);

        // The end of the apply updates the deployment its start created: no second deployment.
        Assert.Equal($"{github.RepoPath}/deployments/{GitHubStandIn.DeploymentId}/statuses", all[4].Path);
        JsonAssert.Equal($$"""{"state":"success","log_url":"{{link}}","description":"{{doneText}}"}""", all[4].Body);

        await harness.WaitForCount(harness.Sent, "github", NotificationKind.DeploySucceeded, 1, "the success counted as sent");
        Assert.Equal(1, NotifyHarness.Count(harness.Sent, "github", NotificationKind.DeployStarted));
        Assert.DoesNotContain(GitHubStandIn.Token, harness.AllLogText());
    }

    [Fact]
    public async Task A_failed_deploy_whose_start_was_not_seen_still_gets_a_deployment_and_a_failure_status()
    {
        using var github = new GitHubStandIn();
        await using var harness = await NotifyHarness.StartAsync(github.Settings(publicUrl: null));

        var message = new string('x', 300);
        harness.Publisher.Publish(Notifications.Of(NotificationKind.DeployFailed, message));
        var all = await github.Server.WaitForRequests(3, "failure status, deployment, failure deployment status");

        var failure = System.Text.Json.Nodes.JsonNode.Parse(all[0].Body)!;
        Assert.Equal("failure", (string?)failure["state"]);
        // No PublicUrl: no link at all rather than a relative one.
        Assert.Null(failure["target_url"]);
        // GitHub refuses descriptions above 140 characters.
        var description = (string)failure["description"]!;
        Assert.Equal(140, description.Length);
        Assert.StartsWith("Deploy of sha-4f2a9c1e0b7d to platform-prod failed: xxx", description);
        Assert.EndsWith("…", description);

        Assert.Equal($"{github.RepoPath}/deployments", all[1].Path);
        Assert.Equal($"{github.RepoPath}/deployments/{GitHubStandIn.DeploymentId}/statuses", all[2].Path);
        JsonAssert.Equal($$"""{"state":"failure","description":"{{description}}"}""", all[2].Body);
    }

    [Theory]
    [InlineData(NotificationKind.EmergencyRollback, "error")]
    [InlineData(NotificationKind.Hold, "error")]
    [InlineData(NotificationKind.Drift, "error")]
    [InlineData(NotificationKind.Synced, "success")]
    public async Task Other_kinds_set_only_the_commit_status(string kind, string state)
    {
        using var github = new GitHubStandIn();
        await using var harness = await NotifyHarness.StartAsync(github.Settings());

        harness.Publisher.Publish(Notifications.Of(kind, "because"));
        await harness.WaitForCount(harness.Sent, "github", kind, 1, "the status sent");

        var request = Assert.Single(github.Server.Requests());
        Assert.Equal($"{github.RepoPath}/statuses/{Notifications.Revision}", request.Path);
        Assert.Equal(state, (string?)System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["state"]);
        Assert.Equal("sprocket-reconciler/platform-prod", (string?)System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["context"]);
    }

    [Fact]
    public async Task A_GitHub_error_is_counted_and_logged_without_the_token()
    {
        using var github = new GitHubStandIn(statusCode: 500);
        await using var harness = await NotifyHarness.StartAsync(github.Settings());

        harness.Publisher.Publish(Notifications.Of(NotificationKind.Hold, "held"));
        await harness.WaitForCount(harness.Failed, "github", NotificationKind.Hold, 1, "the failure counted");

        Assert.Equal(0, NotifyHarness.Count(harness.Sent, "github", NotificationKind.Hold));
        var warning = Assert.Single(harness.Logs.GetSnapshot(), r => r.Id.Id == 8002);
        Assert.Contains("github", warning.Message);
        Assert.Contains("Server Error", warning.Message);
        Assert.DoesNotContain(GitHubStandIn.Token, harness.AllLogText());
    }

    [Fact]
    public void Only_revisions_of_a_repository_on_this_GitHub_are_accepted()
    {
        var shared = Microsoft.Extensions.Options.Options.Create(new NotificationOptions());
        var dotCom = Notifier(new GitHubApiOptions { Token = "t" }, shared);

        Assert.True(dotCom.Accepts(Notifications.Of(NotificationKind.DeployStarted)));
        Assert.False(dotCom.Accepts(Notifications.Of(NotificationKind.DeployStarted) with { Repository = null }));
        Assert.False(dotCom.Accepts(Notifications.Of(NotificationKind.DeployStarted) with { Repository = new("git.example.org", "o", "r") }));
        Assert.False(dotCom.Accepts(Notifications.Of(NotificationKind.DeployStarted) with { Revision = "main" }));
        Assert.False(dotCom.Accepts(Notifications.Of(NotificationKind.Realign)));

        var explicitDotCom = Notifier(new GitHubApiOptions { Token = "t", ApiUrl = "https://api.github.com" }, shared);
        Assert.False(explicitDotCom.Accepts(Notifications.Of(NotificationKind.DeployStarted) with { Repository = new("git.example.org", "o", "r") }));
        Assert.True(explicitDotCom.Accepts(Notifications.Of(NotificationKind.DeployStarted)));

        var enterprise = Notifier(new GitHubApiOptions { Token = "t", ApiUrl = "https://git.example.org" }, shared);
        Assert.True(enterprise.Accepts(Notifications.Of(NotificationKind.DeployStarted) with { Repository = new("git.example.org", "o", "r") }));
    }

    private static GitHubNotifier Notifier(GitHubApiOptions api, Microsoft.Extensions.Options.IOptions<NotificationOptions> shared) =>
        new(new GitHubClientFactory(new StaticOptionsMonitor<GitHubApiOptions>(api), GitHubHttpTransport.Default),
            Microsoft.Extensions.Options.Options.Create(api), shared);
}
