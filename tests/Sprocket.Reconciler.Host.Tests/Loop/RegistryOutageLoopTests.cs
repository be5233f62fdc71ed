using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>The loop with a registry that cannot be reached while git names a new tag, and a circuit left to cool down:
/// a passing fault must not become a page.</summary>
public sealed class RegistryOutageLoopTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new();

    [Fact]
    public async Task A_registry_outage_mid_apply_counts_no_failure_and_the_tag_applies_once_it_is_back()
    {
        await using var daemon = await RunningAsync(Aaa);
        _world.Registry.Unreachable[Bbb] = 0;

        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        for (var i = 0; i < 10; i++) await daemon.AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Empty(_world.Engine.Applies);
        var waiting = daemon.Control(Stack);
        Assert.Equal(StackStatus.OutOfSync, waiting.Status);
        Assert.Contains("registry unavailable", waiting.Message, StringComparison.Ordinal);
        Assert.Equal(0, daemon.Persisted(Stack).ConsecutiveFailures);
        // Only the first refusal is news on the timeline, not each retry.
        Assert.Single(daemon.Timeline(Stack), e => e.Kind == "apply-failed");

        _world.Registry.Unreachable.TryRemove(Bbb, out _);
        await daemon.AdvanceAsync(Backoff.RegistryCap + TimeSpan.FromSeconds(1));
        await daemon.SettleAsync();

        Assert.True(_world.Engine.Applies.Count == 1, daemon.Control(Stack).Message + " " + daemon.Persisted(Stack));
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
    }

    [Fact]
    public async Task An_open_circuit_half_opens_after_the_cool_down_and_a_successful_trial_closes_it()
    {
        await using var daemon = await RunningAsync(Aaa);
        _world.Engine.FailuresLeft[Stack] = 3;

        _world.Git.Commit(World.Yaml(Stack, Bbb));
        await daemon.PollAsync();
        await daemon.AdvanceAsync(TimeSpan.FromSeconds(3));
        await daemon.AdvanceAsync(TimeSpan.FromSeconds(7));
        Assert.Equal(3, _world.Engine.Applies.Count);
        Assert.Equal(StackStatus.Failed, daemon.Control(Stack).Status);

        await daemon.AdvanceAsync(TimeSpan.FromMinutes(4));
        Assert.Equal(3, _world.Engine.Applies.Count);

        await daemon.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(4, _world.Engine.Applies.Count);
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
        Assert.Equal(0, daemon.Persisted(Stack).ConsecutiveFailures);
    }

    private Task<LoopHarness> RunningAsync(string tag) => LoopHarness.StartSyncedAsync(_world, Stack, Service, tag);

    public void Dispose() => _world.Dispose();
}
