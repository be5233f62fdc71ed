using Sprocket.Reconciler.Core.Drift;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>A pass that changes nothing writes nothing to SQLite, during an incident too.</summary>
public sealed class UnchangedPassTests : IDisposable
{
    private const string Stack = "shop";
    private const string Service = "shop-web";
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new();

    [Fact]
    public async Task Passes_during_a_held_emergency_rollback_do_not_store_the_stack_state_again()
    {
        _world.Swarm.Add(Service, World.Image(Aaa));
        _world.Git.Commit(World.Yaml(Stack, Aaa, stabilization: "10m"));
        await using var daemon = LoopHarness.Start(_world);
        await daemon.PollAsync();
        _world.Git.Commit(World.Yaml(Stack, Bbb, stabilization: "10m"));
        await daemon.PollAsync();
        _world.Swarm.RollBack(Service);
        await daemon.EventAsync(Service);
        Assert.Equal(StackStatus.Held, daemon.Control(Stack).Status);
        Assert.Contains("stabilization-started", daemon.Timeline(Stack).Select(e => e.Kind));

        // Every insert or update of a stack_state row leaves a mark.
        daemon.Sql("""
            CREATE TABLE state_writes (stack TEXT NOT NULL);
            CREATE TRIGGER state_inserted AFTER INSERT ON stack_state BEGIN INSERT INTO state_writes VALUES (new.stack); END;
            CREATE TRIGGER state_updated AFTER UPDATE ON stack_state BEGIN INSERT INTO state_writes VALUES (new.stack); END;
            """);
        var listed = _world.Swarm.Listings;
        await daemon.EventAsync(Service);
        await daemon.EventAsync(Service);
        await daemon.PollAsync();
        // Rechecks of the unsettled stack, one per poll interval, well before the write-back is due.
        for (var i = 0; i < 4; i++) await daemon.AdvanceAsync(_world.PollInterval);

        Assert.Equal(StackStatus.Held, daemon.Control(Stack).Status);
        Assert.Empty(_world.WriteBack.Written);
        Assert.True(_world.Swarm.Listings - listed >= 4, $"only {_world.Swarm.Listings - listed} passes");
        Assert.Equal(0, daemon.SqlScalar("SELECT count(*) FROM state_writes;"));
    }

    public void Dispose() => _world.Dispose();
}
