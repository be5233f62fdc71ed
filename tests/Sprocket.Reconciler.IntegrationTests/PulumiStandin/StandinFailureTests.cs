using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>Failed updates: Swarm rolling back a failing image, and a failure injected mid-update.</summary>
public sealed class StandinFailureTests : IAsyncLifetime
{
    private StandinWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await StandinWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task A_failing_image_that_swarm_rolls_back_fails_the_resource_and_the_update()
    {
        var web = _workspace.Scope.NameFor("web");
        _workspace.WriteProgram(new StandinService("web", web, SeededImages.Web, RollbackOnFailure: true));
        var aaa = await RegistryDigest.OfAsync(_workspace.Environment, SeededImages.Web, SeededImages.GitAaa);
        await _workspace.InitStackAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await _workspace.UpAsync("create"));

        await _workspace.SetTagAsync(SeededImages.GitDead);
        var up = await _workspace.UpAsync("dead");

        // v3.259.0: the engine's bail error maps to ExitCodeError (pkg/cmd/pulumi/cmd/exit_codes.go); the summary
        // carries result "failed" (sdk/go/common/apitype/events.go, OperationResultFromError).
        Assert.Equal(1, up.ExitCode);
        Assert.Contains("error: update failed", up.StandardError);
        var log = EventLog.ReadValid(_workspace.EventLogPath("dead"));
        var failed = Assert.Single(log.Payloads("resOpFailedEvent"));
        Assert.EndsWith("::web", failed["metadata"]!["urn"]!.ToString(), StringComparison.Ordinal);
        var diagnostic = Assert.Single(log.Payloads("diagnosticEvent"));
        Assert.Equal("error", diagnostic["severity"]!.ToString());
        Assert.Contains("rolled back", diagnostic["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Null(log.Summary["resourceChanges"]!["update"]);
        Assert.Equal("failed", log.Summary["result"]!.ToString());

        var history = await _workspace.RunAsync(["stack", "history", "--json", "--stack", "prod", "--non-interactive"]);
        Assert.Equal("failed", System.Text.Json.Nodes.JsonNode.Parse(history.StandardOutput)![0]!["result"]!.ToString());
        Assert.Equal(aaa, StandinWorkspace.ExportedImage(await _workspace.ExportAsync(), "web"));
        var live = await Eventually.UntilValue(
            () => _workspace.Scope.Docker.SnapshotServiceAsync(web), snapshot => snapshot.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(60), "Swarm's automatic rollback to complete");
        Assert.Equal(aaa, live.SpecImage);
        Assert.Empty(_workspace.LockFiles());
    }

    [Fact]
    public async Task Fail_after_n_applies_the_first_n_resources_and_fails_the_next()
    {
        var web = _workspace.Scope.NameFor("web");
        var worker = _workspace.Scope.NameFor("worker");
        _workspace.WriteProgram(
            new StandinService("web", web, SeededImages.Web),
            new StandinService("worker", worker, SeededImages.Worker));
        await _workspace.InitStackAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await _workspace.UpAsync("create"));
        var workerBefore = await _workspace.Scope.Docker.SnapshotServiceAsync(worker);

        await _workspace.SetTagAsync(SeededImages.GitCcc);
        var up = await _workspace.UpAsync("partial", environment: new Dictionary<string, string?> { ["SPROCKET_STANDIN_FAIL_AFTER"] = "1" });

        Assert.Equal(1, up.ExitCode);
        Assert.Equal("failed", EventLog.ReadValid(_workspace.EventLogPath("partial")).Summary["result"]!.ToString());
        Assert.Equal(await RegistryDigest.OfAsync(_workspace.Environment, SeededImages.Web, SeededImages.GitCcc),
            (await _workspace.Scope.Docker.SnapshotServiceAsync(web)).SpecImage);
        var workerAfter = await _workspace.Scope.Docker.SnapshotServiceAsync(worker);
        Assert.Equal(workerBefore.VersionIndex, workerAfter.VersionIndex);
        var log = EventLog.ReadValid(_workspace.EventLogPath("partial"));
        Assert.EndsWith("::worker", Assert.Single(log.Payloads("resOpFailedEvent"))["metadata"]!["urn"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("update out of sequence", Assert.Single(log.Payloads("diagnosticEvent"))["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, log.Summary["resourceChanges"]!["update"]!.GetValue<int>());
    }
}
