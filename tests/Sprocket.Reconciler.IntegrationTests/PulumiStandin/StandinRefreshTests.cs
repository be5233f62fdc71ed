using System.Text.Json.Nodes;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>After an on-call `docker service update --rollback`, `up --refresh` makes Pulumi state record what runs.</summary>
public sealed class StandinRefreshTests : IAsyncLifetime
{
    private StandinWorkspace _workspace = null!;
    private string _serviceName = null!;

    public async Task InitializeAsync()
    {
        _workspace = await StandinWorkspace.CreateAsync();
        _serviceName = _workspace.Scope.NameFor("web");
        _workspace.WriteProgram(new StandinService("web", _serviceName, SeededImages.Web));
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Up_with_refresh_after_a_manual_rollback_records_the_rolled_back_image_without_touching_swarm()
    {
        var aaa = await RegistryDigest.OfAsync(_workspace.Environment, SeededImages.Web, SeededImages.GitAaa);
        var bbb = await RegistryDigest.OfAsync(_workspace.Environment, SeededImages.Web, SeededImages.GitBbb);
        await _workspace.InitStackAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await _workspace.UpAsync("create"));
        await _workspace.SetTagAsync(SeededImages.GitBbb);
        StandinWorkspace.AssertSucceeded(await _workspace.UpAsync("update"));

        await _workspace.Scope.Docker.RollbackAsync(_serviceName);
        var rolledBack = await Eventually.UntilValue(
            () => _workspace.Scope.Docker.SnapshotServiceAsync(_serviceName),
            snapshot => snapshot.UpdateState == "rollback_completed",
            TimeSpan.FromSeconds(60), "the manual rollback to complete");
        Assert.Equal(aaa, rolledBack.SpecImage);

        // Without a refresh Pulumi still believes bbb runs.
        Assert.Equal(bbb, StandinWorkspace.ExportedImage(await _workspace.ExportAsync(), "web"));

        // The realign: git (here: the config) names the live tag again, then up --refresh.
        await _workspace.SetTagAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await _workspace.UpAsync("realign", refresh: true));

        Assert.Equal(aaa, StandinWorkspace.ExportedImage(await _workspace.ExportAsync(), "web"));
        var after = await _workspace.Scope.Docker.SnapshotServiceAsync(_serviceName);
        Assert.Equal(rolledBack.VersionIndex, after.VersionIndex);
        Assert.Equal("rollback_completed", after.UpdateState);

        var log = EventLog.ReadValid(_workspace.EventLogPath("realign"));
        var refreshed = log.Payloads("resOutputsEvent").First(e => e["metadata"]!["op"]!.ToString() == "refresh");
        Assert.Equal(aaa, refreshed["metadata"]!["new"]!["inputs"]!["taskSpec"]!["containerSpec"]!["image"]!.ToString());
        Assert.Equal(bbb, refreshed["metadata"]!["old"]!["inputs"]!["taskSpec"]!["containerSpec"]!["image"]!.ToString());
        Assert.Equal(new JsonObject { ["same"] = 2 }.ToJsonString(), log.Summary["resourceChanges"]!.ToJsonString());
    }
}
