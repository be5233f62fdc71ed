using System.Diagnostics;
using System.Globalization;
using System.Net;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.IntegrationTests.Realign;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// The agent's image, deployed with README's commands from the shipped stack file (plus the sandbox override), as the
/// non-root <c>app</c> user with the engine socket's group, tells the whole story on a real service: a commit is
/// applied, the on-call's <c>docker service update --rollback</c> is held, written back to git after stabilization and
/// realigned. Its API, /metrics and status page answer on the node's port 8080 with the sandbox's host networking
/// (the shipped host-mode <c>ports:</c> entry does nothing in the host's network namespace, the test engine runs with
/// <c>--iptables=false</c> and the stack's overlay network is never created: publishing through them is not proven
/// here); the tokens of its Docker secret work and never reach its logs. Prints the time from
/// <c>docker stack deploy</c> to /readyz 200.
/// </summary>
[Collection(AgentPortCollection.Name)]
public sealed class DeployScenarioTests(ITestOutputHelper output)
{
    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;

    [Fact]
    public async Task The_stack_file_deploys_the_agent_as_the_app_user_and_it_applies_holds_writes_back_and_realigns()
    {
        var image = await AgentImage.ReferenceAsync();
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(Web, GitAaa), ["--update-monitor", "1s"]);
        var stack = new ReconcileStack(scope.Prefix + "story", Engines.Swarm, GitAaa,
            [new DesiredService($"{_environment.Registry}/{Web}", scope.Prefix + "web-service*")])
        {
            Policy = RealignStory.Policy("commit", "5s"),
        };
        var settings = new AgentSettings("");
        var (remote, initial) = await DesiredStateRemote.StartAsync(settings.GitToken, ReconcileYaml.Render(stack));
        await using var _ = remote;
        settings = settings with { RepositoryUrl = remote.Url };
        var socket = new Uri(_environment.DockerHost).LocalPath;
        var user = $"1654:{await AgentImage.SocketGroupAsync(socket)}";
        await using var agent = await AgentStack.CreateAsync(scope.Prefix, image, settings.SettingsJson(), settings.SecretsJson(), remote, user);

        var clock = Stopwatch.StartNew();
        await agent.DeployAsync();
        var readiness = await agent.WaitForReadyAsync(TimeSpan.FromSeconds(90), $"{agent.ServiceName}'s /readyz 200");
        var toReady = clock.Elapsed;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[deploy] docker stack deploy -> /readyz 200 in {toReady.TotalSeconds:0.0} s ({image}, user {user})");
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.Equal(("ready", "leader"), (readiness.Status, readiness.Role));
        Assert.True(remote.ServedRequests > 0, "the agent did not fetch the desired state over http with the secret's token");

        // Running as the image's app user with the socket's group, as the stack file's comment describes.
        var task = await Eventually.UntilValue(agent.RunningTaskAsync, t => t is not null, TimeSpan.FromSeconds(10), "the agent's task with a container");
        Assert.Equal(user, (await agent.ContainerAsync(task!)).User);
        // On the node labelled as README says, by the shipped constraint (nodes 2 and 3 of the test Swarm are drained;
        // that no node takes the task without the label is AgentUpgradeTests' to show).
        Assert.Equal(agent.LabelledNodeId, task!.NodeId);
        var constraints = (await agent.Docker.InspectServiceAsync(agent.ServiceName))
            .GetProperty("Spec").GetProperty("TaskTemplate").GetProperty("Placement").GetProperty("Constraints")
            .EnumerateArray().Select(constraint => constraint.GetString()).ToList();
        Assert.Contains($"node.labels.{AgentStack.NodeLabel} == true", constraints);
        Assert.Contains("node.role == manager", constraints);

        await agent.Api.WaitForStackAsync(stack.Name, s => s.Desired.Revision == initial && s.Status == "synced", $"{stack.Name} synced at {GitAaa}");

        // 1. A commit is applied.
        var bbb = await remote.CommitAsync(ReconcileYaml.Render(stack.WithTag(GitBbb)), $"{stack.Name} at {GitBbb}");
        var deployed = await agent.Api.WaitForStackAsync(stack.Name,
            s => s.Desired.Revision == bbb && s.Status == "synced" && s.OnlyService.LiveTag == GitBbb && s.Applied.ImageTag == GitBbb,
            $"{stack.Name} applied {GitBbb}");
        Assert.Equal("none", deployed.OnlyService.Drift);

        // 2. The on-call rolls back: held at once, never re-applied.
        await scope.Docker.RollbackAsync(web);
        var held = await agent.Api.WaitForStackAsync(stack.Name, s => s is { Status: "held", Hold.Reason: "emergency-rollback" },
            $"{stack.Name} held after the on-call's rollback", TimeSpan.FromSeconds(30));
        Assert.Equal(GitBbb, held.Incident?.BadTag);

        // 3. Written back after stabilization (one commit on top of bbb's in the served repository), then realigned.
        var synced = await agent.Api.WaitForStackAsync(stack.Name,
            s => s.Status == "synced" && s.Incident is null && s.Hold is null && s.Desired.ImageTag == GitAaa,
            $"{stack.Name} synced at {GitAaa} after the write-back", TimeSpan.FromSeconds(90));
        var commit = Assert.Single(await remote.CommitsAfterAsync(bbb));
        Assert.Equal(commit, synced.Desired.Revision);
        Assert.Contains($"imageTag: {GitAaa}", await remote.GitAsync("show", $"{commit}:{DesiredStateYaml.FileName}"), StringComparison.Ordinal);
        Assert.StartsWith($"realign {stack.Name}: {GitBbb} → {GitAaa}", await remote.GitAsync("log", "-1", "--format=%s", commit), StringComparison.Ordinal);
        Assert.Single(await agent.Api.HistoryAsync(stack.Name), apply => apply.Tag == GitBbb);

        // 4. /metrics and the status page on the node's port 8080 (host networking: see the summary).
        var metrics = await agent.Api.MetricsAsync();
        Assert.Equal(1, metrics.Value("sprocket_reconciler_realignments_total", ("stack", stack.Name), ("outcome", "commit")));
        Assert.Equal(1, metrics.Value("sprocket_reconciler_leader"));
        using (var page = await agent.Api.GetAsync(""))
        {
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(stack.Name, html, StringComparison.Ordinal);
        }

        // The write API takes the secret's token, and only it.
        Assert.Equal(HttpStatusCode.Unauthorized, await agent.Api.PostAsync(stack.Name, "reconcile", "not-the-token"));
        Assert.Equal(HttpStatusCode.Accepted, await agent.Api.PostAsync(stack.Name, "reconcile", settings.ApiToken));

        // Nothing of the secret in the logs, which did record the story.
        var logs = await agent.LogsShowingAsync(stack.Name);
        Assert.DoesNotContain(settings.ApiToken, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(settings.GitToken, logs, StringComparison.Ordinal);
    }
}
