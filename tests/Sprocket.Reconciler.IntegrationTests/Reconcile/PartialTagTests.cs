using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>
/// Acceptance 3, a safety stop before any apply: a tag CI pushed for only some of the stack's services is never
/// applied to any of them (the stack is invalid, naming the service whose tag is missing).
/// </summary>
public abstract class PartialTagTests(string engine)
{
    [Fact]
    public async Task A_tag_pushed_for_only_one_of_two_services_is_invalid_and_applied_to_neither()
    {
        // Repositories of this test alone, so the partial push cannot reach any other test.
        const string PartialTag = "git-fff0000";
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (webRepository, workerRepository) = ($"sprocketbot/partial-web-{suffix}", $"sprocketbot/partial-worker-{suffix}");
        using (var registry = new OpenRegistry(TestEnvironment.Current.Registry))
        {
            await registry.CopyTagAsync(Web, GitAaa, webRepository, GitAaa);
            await registry.CopyTagAsync(Worker, GitAaa, workerRepository, GitAaa);
            await registry.CopyTagAsync(Web, GitBbb, webRepository, PartialTag);
        }

        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(engine, GitAaa)
        {
            Services = [new("web-service", webRepository), new("worker-service", workerRepository)],
        });
        var before = await scenario.SnapshotsAsync();
        var callsBefore = scenario.Pulumi?.Calls().Count ?? 0;

        var revision = await scenario.CommitTagAsync(PartialTag);
        var invalid = await scenario.WaitForRevisionAsync(revision, s => s.Status == "invalid",
            $"{scenario.Name} invalid at {PartialTag}");

        Assert.Contains($"{workerRepository}:{PartialTag} does not resolve", invalid.Message, StringComparison.Ordinal);
        Assert.DoesNotContain($"{webRepository}:{PartialTag} does not resolve", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("nothing applied", invalid.Message, StringComparison.Ordinal);
        Assert.Equal("invalid", invalid.LastReconcile?.Outcome);
        ContractMetrics.AssertStackStatus(await scenario.Daemon.GetMetricsAsync(), scenario.Name, "invalid");

        await scenario.AssertNothingAppliedAsync(before, s => s.Status == "invalid", $"only {webRepository} has {PartialTag}");
        Assert.Empty(scenario.History());
        Assert.Equal(0, await scenario.ReconcilesAsync(outcome: "applying"));
        AssertNoPulumiChange(scenario, callsBefore);
    }

    private static void AssertNoPulumiChange(ReconcileScenario scenario, int callsBefore)
    {
        if (scenario.Pulumi is not { } pulumi) return;
        var calls = pulumi.Calls().Skip(callsBefore).ToList();
        Assert.DoesNotContain(calls, c => c.IsUp || c.Is("config", "set"));
    }
}

public sealed class PartialTagOnSwarmTests() : PartialTagTests(Engines.Swarm);

public sealed class PartialTagOnPulumiTests() : PartialTagTests(Engines.Pulumi);
