using System.Text.Json.Nodes;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>`up` against the real Swarm: the live image becomes repo@digest of the tag, and every record agrees.</summary>
public sealed class StandinUpTests : IAsyncLifetime
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
    public async Task Up_applies_the_digest_of_the_configured_tag_and_preview_event_log_history_and_export_agree()
    {
        var aaa = await RegistryDigest.OfAsync(_workspace.Environment, SeededImages.Web, SeededImages.GitAaa);
        var bbb = await RegistryDigest.OfAsync(_workspace.Environment, SeededImages.Web, SeededImages.GitBbb);
        await _workspace.InitStackAsync(SeededImages.GitAaa);
        StandinWorkspace.AssertSucceeded(await _workspace.UpAsync("create"));
        Assert.Equal(aaa, (await _workspace.Scope.Docker.SnapshotServiceAsync(_serviceName)).SpecImage);
        Assert.Equal(new JsonObject { ["create"] = 2 }.ToJsonString(), EventLog.ReadValid(_workspace.EventLogPath("create")).Summary["resourceChanges"]!.ToJsonString());

        await _workspace.SetTagAsync(SeededImages.GitBbb);
        var preview = await _workspace.RunAsync(["preview", "--json", "--stack", "prod", "--non-interactive"]);
        StandinWorkspace.AssertSucceeded(preview);
        var digest = JsonNode.Parse(preview.StandardOutput)!;
        Assert.Equal(1, digest["changeSummary"]!["same"]!.GetValue<int>());
        Assert.Equal(1, digest["changeSummary"]!["update"]!.GetValue<int>());
        var step = digest["steps"]!.AsArray().Single(s => s!["urn"]!.ToString().EndsWith("::web", StringComparison.Ordinal))!;
        Assert.Equal("update", step["op"]!.ToString());
        Assert.Equal(bbb, step["newState"]!["inputs"]!["taskSpec"]!["containerSpec"]!["image"]!.ToString());
        Assert.Equal(aaa, (await _workspace.Scope.Docker.SnapshotServiceAsync(_serviceName)).SpecImage);

        var up = await _workspace.UpAsync("update");
        StandinWorkspace.AssertSucceeded(up);

        var live = await _workspace.Scope.Docker.SnapshotServiceAsync(_serviceName);
        Assert.Equal(bbb, live.SpecImage);
        Assert.Equal("completed", live.UpdateState);
        Assert.Equal(1, await _workspace.Scope.Docker.RunningTaskCountAsync(_serviceName));

        var log = EventLog.ReadValid(_workspace.EventLogPath("update"));
        Assert.Equal("git-bbb2222", log.Events[0].Payload["config"]!["platform:image-tag"]!.ToString());
        var outputs = log.Payloads("resOutputsEvent").Single(e => e["metadata"]!["type"]!.ToString() == "docker:index/service:Service");
        Assert.Equal("update", outputs["metadata"]!["op"]!.ToString());
        Assert.Equal(bbb, outputs["metadata"]!["new"]!["inputs"]!["taskSpec"]!["containerSpec"]!["image"]!.ToString());
        Assert.NotNull(outputs["metadata"]!["detailedDiff"]!["taskSpec.containerSpec.image"]);
        Assert.Equal(1, log.Summary["resourceChanges"]!["update"]!.GetValue<int>());
        Assert.False(log.Summary["isPreview"]!.GetValue<bool>());
        Assert.Equal("succeeded", log.Summary["result"]!.ToString());

        var history = await _workspace.RunAsync(["stack", "history", "--json", "--page-size", "1", "--page", "1", "--stack", "prod", "--non-interactive"]);
        var latest = Assert.Single(JsonNode.Parse(history.StandardOutput)!.AsArray())!;
        Assert.Equal("update", latest["kind"]!.ToString());
        Assert.Equal("succeeded", latest["result"]!.ToString());
        Assert.Equal(2, latest["version"]!.GetValue<int>());
        Assert.Equal("git-bbb2222", latest["config"]!["platform:image-tag"]!["value"]!.ToString());
        Assert.Equal("auto.local", latest["environment"]!["exec.kind"]!.ToString());

        var export = await _workspace.ExportAsync();
        Assert.Equal(3, export["version"]!.GetValue<int>());
        Assert.Equal(bbb, StandinWorkspace.ExportedImage(export, "web"));
        Assert.Empty(_workspace.LockFiles());
    }
}
