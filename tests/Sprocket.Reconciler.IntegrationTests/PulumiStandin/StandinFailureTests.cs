using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>Failed updates: Swarm rolling back a failing image, and a failure injected mid-update.</summary>
public sealed class StandinFailureTests : IAsyncLifetime
{
    private StandinWorkspace workspace = null!;

    public async Task InitializeAsync() => workspace = await StandinWorkspace.CreateAsync();

    public async Task DisposeAsync() => await workspace.DisposeAsync();

    [Fact]
    public async Task A_failing_image_that_swarm_rolls_back_fails_the_resource_and_the_update()
    {
        var web = workspace.Scope.NameFor("web");
        workspace.WriteProgram(new StandinService("web", web, SeededImages.Web, RollbackOnFailure: true));
        var aaa = await RegistryDigest.OfAsync(workspace.Environment, SeededImages.Web, SeededImages.GitAaa);
        await workspace.InitStackAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await workspace.UpAsync("create"));

        await workspace.SetTagAsync(SeededImages.GitDead);
        var up = await workspace.UpAsync("dead");

        // v3.259.0: the engine's bail error maps to ExitCodeError (pkg/cmd/pulumi/cmd/exit_codes.go); the summary
        // carries result "failed" (sdk/go/common/apitype/events.go, OperationResultFromError).
        Assert.Equal(1, up.ExitCode);
        Assert.Contains("error: update failed", up.StandardError);
        var log = EventLog.ReadValid(workspace.EventLogPath("dead"));
        var failed = Assert.Single(log.Payloads("resOpFailedEvent"));
        Assert.EndsWith("::web", failed["metadata"]!["urn"]!.ToString(), StringComparison.Ordinal);
        var diagnostic = Assert.Single(log.Payloads("diagnosticEvent"));
        Assert.Equal("error", diagnostic["severity"]!.ToString());
        Assert.Contains("rolled back", diagnostic["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Null(log.Summary["resourceChanges"]!["update"]);
        Assert.Equal("failed", log.Summary["result"]!.ToString());

        var history = await workspace.RunAsync(["stack", "history", "--json", "--stack", "prod", "--non-interactive"]);
        Assert.Equal("failed", System.Text.Json.Nodes.JsonNode.Parse(history.StandardOutput)![0]!["result"]!.ToString());
        Assert.Equal(aaa, StandinWorkspace.ExportedImage(await workspace.ExportAsync(), "web"));
        var live = await Eventually.UntilValue(
            () => workspace.Scope.Docker.SnapshotServiceAsync(web), snapshot => snapshot.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(60), "Swarm's automatic rollback to complete");
        Assert.Equal(aaa, live.SpecImage);
        Assert.Empty(workspace.LockFiles());
    }

    [Fact]
    public async Task Fail_after_n_applies_the_first_n_resources_and_fails_the_next()
    {
        var web = workspace.Scope.NameFor("web");
        var worker = workspace.Scope.NameFor("worker");
        workspace.WriteProgram(
            new StandinService("web", web, SeededImages.Web),
            new StandinService("worker", worker, SeededImages.Worker));
        await workspace.InitStackAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await workspace.UpAsync("create"));
        var workerBefore = await workspace.Scope.Docker.SnapshotServiceAsync(worker);

        await workspace.SetTagAsync(SeededImages.GitCcc);
        var up = await workspace.UpAsync("partial", environment: new Dictionary<string, string?> { ["SPROCKET_STANDIN_FAIL_AFTER"] = "1" });

        Assert.Equal(1, up.ExitCode);
        Assert.Equal("failed", EventLog.ReadValid(workspace.EventLogPath("partial")).Summary["result"]!.ToString());
        Assert.Equal(await RegistryDigest.OfAsync(workspace.Environment, SeededImages.Web, SeededImages.GitCcc),
            (await workspace.Scope.Docker.SnapshotServiceAsync(web)).SpecImage);
        var workerAfter = await workspace.Scope.Docker.SnapshotServiceAsync(worker);
        Assert.Equal(workerBefore.VersionIndex, workerAfter.VersionIndex);
        var log = EventLog.ReadValid(workspace.EventLogPath("partial"));
        Assert.EndsWith("::worker", Assert.Single(log.Payloads("resOpFailedEvent"))["metadata"]!["urn"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("update out of sequence", Assert.Single(log.Payloads("diagnosticEvent"))["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, log.Summary["resourceChanges"]!["update"]!.GetValue<int>());
    }
}
