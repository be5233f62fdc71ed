using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>
/// A daemon killed mid-apply (SIGKILL, OOM, power) leaves its history row open. The next run closes it as
/// <see cref="ApplyHistory.InterruptedOutcome"/> before anything else, and judges the stack from the live specs only:
/// an update Swarm already carries is not applied a second time, one that never reached Swarm is applied once.
/// </summary>
public sealed class InterruptedApplyRestartTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new();

    [Fact]
    public async Task An_apply_cut_after_swarm_took_the_spec_is_closed_as_interrupted_and_not_applied_again()
    {
        _world.Swarm.Add(Service, World.Image(Bbb));
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        var cut = OpenRowLeftByAKilledRun(Bbb);
        _world.Time.Advance(TimeSpan.FromSeconds(7));

        await using var daemon = LoopHarness.Start(_world);
        await daemon.PollAsync();

        Assert.Empty(_world.Engine.Applies);
        Assert.Equal(StackStatus.Synced, daemon.Control(Stack).Status);
        var closed = Assert.Single(History());
        Assert.Equal((cut, ApplyHistory.InterruptedOutcome, _world.Time.GetUtcNow()), (closed.Id, closed.Outcome, closed.FinishedAt));
    }

    [Fact]
    public async Task An_apply_cut_before_swarm_took_the_spec_is_closed_and_applied_once_more()
    {
        _world.Swarm.Add(Service, World.Image(Aaa));
        _world.Git.Commit(World.Yaml(Stack, Bbb));
        var cut = OpenRowLeftByAKilledRun(Bbb);

        await using var daemon = LoopHarness.Start(_world);
        await daemon.PollAsync();

        var apply = Assert.Single(_world.Engine.Applies);
        Assert.Equal(Bbb, apply.Tag);
        var rows = History();
        Assert.Equal([(cut, ApplyHistory.InterruptedOutcome), (cut + 1, "Succeeded")], rows.Select(r => (r.Id, r.Outcome)).Reverse());
        Assert.All(rows, row => Assert.NotNull(row.FinishedAt));
    }

    private long OpenRowLeftByAKilledRun(string tag) =>
        new ApplyHistory(StateDatabase.Open(_world.DataDirectory, StateMigrations.All, _world.Time)).Started(new ApplyRecord(
            0, Stack, "swarm", "Deploy", "poll", _world.Git.Revision, tag, _world.Time.GetUtcNow(), null, null, null,
            [new ApplyRecordService(Service, LoopHarness.Web, World.Image(Aaa), null)]));

    private IReadOnlyList<ApplyRecord> History() =>
        new ApplyHistory(StateDatabase.Open(_world.DataDirectory, StateMigrations.All, _world.Time)).Recent(Stack, 10);

    public void Dispose() => _world.Dispose();
}
