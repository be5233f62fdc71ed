using Sprocket.Reconciler.IntegrationTests.TestEnv;
using static Sprocket.Reconciler.IntegrationTests.Daemon.ContractMetrics;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// A commit that does not validate is rejected as a whole: the last good desired state and its revision stay in
/// force, the error (file, line, field) is shown with the stack, and the next good commit is picked up.
/// Its own daemon, because the bad commit is bad for every stack of the file.
/// </summary>
public sealed class RejectedDesiredStateTests
{
    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;

    [Fact]
    public async Task A_bad_commit_keeps_the_last_good_state_until_a_good_one_follows()
    {
        await using var scope = SwarmServiceScope.Create();
        var web = await scope.CreateServiceAsync("web-service-1a2b3c4", _environment.Image(SeededImages.Web, SeededImages.GitAaa));
        var name = scope.Prefix + "rejected";
        var stack = new DesiredStack(name, SeededImages.GitAaa,
            new DesiredService($"{_environment.Registry}/{SeededImages.Web}", scope.Prefix + "web-service*"));
        await using var daemon = await DaemonProcess.StartAsync(DesiredStateYaml.Render(stack));
        var good = daemon.InitialRevision;
        await daemon.WaitForRevisionAsync(name, good, s => s.Status == "synced");

        // Line 5 is the stack's imageTag (DesiredStateYaml's layout); a mutable tag is never accepted.
        var bad = await daemon.CommitDesiredStateAsync(DesiredStateYaml.Render(stack.WithTag("main")), "pin a mutable tag");
        var rejected = await daemon.WaitForStackAsync(name, s => s.Message.Contains("desired state invalid", StringComparison.Ordinal),
            "the rejection of the bad commit in the stack message");

        Assert.Equal(new DesiredView(SeededImages.GitAaa, good), rejected.Desired);
        Assert.Equal("synced", rejected.Status);
        Assert.Contains($"{DesiredStateYaml.FileName}:5:", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("stacks[0].imageTag", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("'main' is a mutable tag", rejected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(bad, rejected.Message, StringComparison.Ordinal);
        var metrics = await daemon.GetMetricsAsync();
        Assert.Equal(1, metrics.Value(DesiredStateRejected));
        AssertDesiredRevision(metrics, daemon.RepositoryPath, good);
        AssertStackStatus(metrics, name, "synced");

        // More polls over the same bad revision (they make no pass: the revision in force is unchanged) and a resync pass
        // later, it is still one rejection.
        var seenAt = rejected.LastReconcile!.At;
        await daemon.WaitForStackAsync(name, s => s.LastReconcile!.At > seenAt.AddSeconds(2) && s.LastReconcile.Trigger == "resync",
            "a resync pass two poll intervals after the rejection");
        Assert.Equal(1, (await daemon.GetMetricsAsync()).Value(DesiredStateRejected));

        var fixedRevision = await daemon.CommitDesiredStateAsync(DesiredStateYaml.Render(stack.WithTag(SeededImages.GitBbb)), "pin git-bbb2222");
        var recovered = await daemon.WaitForRevisionAsync(name, fixedRevision, s => s.Status == "out-of-sync");

        Assert.Equal(SeededImages.GitBbb, recovered.Desired.ImageTag);
        Assert.DoesNotContain("invalid", recovered.Message, StringComparison.Ordinal);
        Assert.Equal("none", recovered.OnlyService.Drift);
        metrics = await daemon.GetMetricsAsync();
        Assert.Equal(1, metrics.Value(DesiredStateRejected));
        AssertDesiredRevision(metrics, daemon.RepositoryPath, fixedRevision);
        AssertStackStatus(metrics, name, "out-of-sync");
        AssertImageInfo(metrics, name, web, SeededImages.GitBbb, SeededImages.GitAaa, recovered.OnlyService.LiveDigest!);
    }
}
