using System.Text.Json.Nodes;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>After an on-call `docker service update --rollback`, `up --refresh` makes Pulumi state record what runs.</summary>
public sealed class StandinRefreshTests : IAsyncLifetime
{
    private StandinWorkspace workspace = null!;
    private string serviceName = null!;

    public async Task InitializeAsync()
    {
        workspace = await StandinWorkspace.CreateAsync();
        serviceName = workspace.Scope.NameFor("web");
        workspace.WriteProgram(new StandinService("web", serviceName, SeededImages.Web));
    }

    public async Task DisposeAsync() => await workspace.DisposeAsync();

    [Fact]
    public async Task Up_with_refresh_after_a_manual_rollback_records_the_rolled_back_image_without_touching_swarm()
    {
        var aaa = await RegistryDigest.OfAsync(workspace.Environment, SeededImages.Web, SeededImages.GitAaa);
        var bbb = await RegistryDigest.OfAsync(workspace.Environment, SeededImages.Web, SeededImages.GitBbb);
        await workspace.InitStackAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await workspace.UpAsync("create"));
        await workspace.SetTagAsync(SeededImages.GitBbb);
        StandinWorkspace.AssertSucceeded(await workspace.UpAsync("update"));

        await workspace.Scope.Docker.RollbackAsync(serviceName);
        var rolledBack = await Eventually.UntilValue(
            () => workspace.Scope.Docker.SnapshotServiceAsync(serviceName),
            snapshot => snapshot.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(60), "the manual rollback to complete");
        Assert.Equal(aaa, rolledBack.SpecImage);

        // Without a refresh Pulumi still believes bbb runs.
        Assert.Equal(bbb, StandinWorkspace.ExportedImage(await workspace.ExportAsync(), "web"));

        // The realign: git (here: the config) names the live tag again, then up --refresh.
        await workspace.SetTagAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await workspace.UpAsync("realign", refresh: true));

        Assert.Equal(aaa, StandinWorkspace.ExportedImage(await workspace.ExportAsync(), "web"));
        var after = await workspace.Scope.Docker.SnapshotServiceAsync(serviceName);
        Assert.Equal(rolledBack.VersionIndex, after.VersionIndex);
        Assert.Equal("rollback_completed", after.UpdateState);

        var log = EventLog.ReadValid(workspace.EventLogPath("realign"));
        var refreshed = log.Payloads("resOutputsEvent").First(e => e["metadata"]!["op"]!.ToString() == "refresh");
        Assert.Equal(aaa, refreshed["metadata"]!["new"]!["inputs"]!["taskSpec"]!["containerSpec"]!["image"]!.ToString());
        Assert.Equal(bbb, refreshed["metadata"]!["old"]!["inputs"]!["taskSpec"]!["containerSpec"]!["image"]!.ToString());
        Assert.Equal(new JsonObject { ["same"] = 2 }.ToJsonString(), log.Summary["resourceChanges"]!.ToJsonString());
    }
}
