using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Docker;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.Registry;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>
/// The daemon's loop as the host wires it (the real composition root, SQLite in a temporary folder, the real tracker,
/// policy, runner, notifications and metrics), with fakes only at the edges: the Swarm, the registry, the engine, the
/// write-back, git and leadership. The test drives it message by message on its own thread, and time with a
/// <see cref="FakeTimeProvider"/>, so whole stories run in milliseconds and every interleaving is chosen, not hoped for.
/// </summary>
public sealed class LoopHarness : IAsyncDisposable
{
    public const string Registry = "registry.test";
    public const string Web = Registry + "/sprocket-web";
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(10);

    private readonly ServiceProvider _services;

    private LoopHarness(World world)
    {
        World = world;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reconciler:DataDirectory"] = world.DataDirectory,
            ["Reconciler:DesiredState:Repository"] = "https://git.test/desired.git",
            ["Reconciler:ResyncInterval"] = "00:05:00",
            ["Reconciler:DesiredState:PollInterval"] = world.PollInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddFakeLogging())
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(world.Time)
            .AddSingleton<ISwarmObserver>(world.Swarm)
            .AddSingleton<ITagResolver>(world.Registry)
            .AddSingleton<IIncidentWriter>(world.WriteBack)
            .AddSingleton<ILeadership>(world.Leadership)
            .AddSingleton<Sprocket.Reconciler.Notify.INotificationPublisher>(world.Notifications)
            .AddSingleton<IDesiredStateSource>(world.Git);
        services.AddReconcilerObservation(configuration);
        services.RemoveAll<IApplyEngine>();
        services.AddSingleton<IApplyEngine>(world.Engine);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        Loop = _services.GetRequiredService<ReconcileLoop>();
        Inbox = _services.GetRequiredService<LoopInbox>();
        Store = _services.GetRequiredService<StatusStore>();
        Work = _services.GetRequiredService<BackgroundWork>();
        Logs = _services.GetFakeLogCollector();
        Loop.Open();
    }

    public World World { get; }

    public ReconcileLoop Loop { get; }

    public LoopInbox Inbox { get; }

    public DesiredStateTracker Tracker => _services.GetRequiredService<DesiredStateTracker>();

    public StatusStore Store { get; }

    public BackgroundWork Work { get; }

    public Microsoft.Extensions.Logging.Testing.FakeLogCollector Logs { get; }

    /// <summary>A daemon started on <paramref name="world"/>: it loads what SQLite holds and starts its clocks.</summary>
    public static LoopHarness Start(World world) => new(world);

    /// <summary>
    /// A daemon started on a world where <paramref name="service"/> runs <paramref name="tag"/> and git pins it
    /// (<paramref name="yaml"/>, or the plain file for <paramref name="stack"/>), checked synced after its first poll.
    /// </summary>
    public static async Task<LoopHarness> StartSyncedAsync(World world, string stack, string service, string tag, string? yaml = null)
    {
        world.Swarm.Add(service, World.Image(tag));
        world.Git.Commit(yaml ?? World.Yaml(stack, tag));
        var daemon = Start(world);
        await daemon.PollAsync();
        Assert.Equal(Sprocket.Reconciler.Core.Drift.StackStatus.Synced, daemon.Control(stack).Status);
        return daemon;
    }

    /// <summary>The same world (SQLite, Swarm, git, registry), a new daemon: what a restart finds.</summary>
    public async Task<LoopHarness> RestartAsync()
    {
        await DisposeAsync();
        return new LoopHarness(World);
    }

    /// <summary>Fetches git the way the poll does, then handles everything until the daemon has nothing left to do.</summary>
    public async Task PollAsync()
    {
        await Tracker.RefreshAsync(ReconcileTrigger.Poll, CancellationToken.None);
        await SettleAsync();
    }

    /// <summary>A Swarm service event, as the watcher forwards it.</summary>
    public Task EventAsync(string service)
    {
        Inbox.Post(new EvaluationRequest(ReconcileTrigger.Event, "id-" + service, World.Time.GetUtcNow()));
        return SettleAsync();
    }

    /// <summary>Moves the clock; timers that come due post their messages, which are then handled.</summary>
    public Task AdvanceAsync(TimeSpan by)
    {
        World.Time.Advance(by);
        return SettleAsync();
    }

    /// <summary>Handles batches until no message waits and no background work runs (applies and write-backs report back).</summary>
    public async Task SettleAsync()
    {
        var deadline = DateTime.UtcNow + SettleDeadline;
        while (true)
        {
            while (Work.Count > 0)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"background work still running after {SettleDeadline}");
                await Task.Yield();
                await Task.Delay(1);
            }
            var batch = Inbox.TakeWaiting();
            if (batch.Count == 0) return;
            await Loop.HandleAsync(batch, acting: true, CancellationToken.None);
        }
    }

    /// <summary>The stack's timeline as stored, oldest first.</summary>
    public IReadOnlyList<StackEvent> Timeline(string stack) => [.. _services.GetRequiredService<StackEventLog>().Page(stack, 1000, null).Reverse()];

    /// <summary>Runs SQL on the daemon's own database (to break it on purpose).</summary>
    public void Sql(string sql)
    {
        using var connection = _services.GetRequiredService<StateDatabase>().OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Reads one number from the daemon's own database.</summary>
    public long SqlScalar(string sql)
    {
        using var connection = _services.GetRequiredService<StateDatabase>().OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public StackControl Control(string stack) => Store.Current.ControlOf(stack) ?? throw new InvalidOperationException($"nothing published for {stack}");

    /// <summary>What a restart would load for the stack.</summary>
    public Core.Policy.StackRuntimeState Persisted(string stack) =>
        _services.GetRequiredService<StackStateStore>().LoadAll().GetValueOrDefault(stack) ?? Core.Policy.StackRuntimeState.Initial;

    public async ValueTask DisposeAsync()
    {
        await Work.StopAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        await _services.DisposeAsync();
    }
}

/// <summary>Everything outside the daemon: it outlives a restart.</summary>
public sealed class World : IDisposable
{
    public World()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        Swarm = new FakeSwarm { Time = Time };
        Engine = new FakeEngine(Swarm);
        WriteBack = new FakeWriteBack(Git, Time);
        DataDirectory = Directory.CreateTempSubdirectory("loop-harness").FullName;
    }

    public FakeTimeProvider Time { get; }

    public FakeSwarm Swarm { get; }

    public FakeRegistry Registry { get; } = new();

    public FakeEngine Engine { get; }

    public FakeDesiredSource Git { get; } = new();

    public FakeWriteBack WriteBack { get; }

    public FakeLeadership Leadership { get; } = new();

    public RecordingPublisher Notifications { get; } = new();

    public string DataDirectory { get; }

    /// <summary><c>Reconciler:DesiredState:PollInterval</c>: also how soon a stack that is not settled is looked at again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    public static string Image(string tag) => $"{LoopHarness.Web}:{tag}@{FakeRegistry.DigestOf(tag)}";

    /// <summary>The desired-state file naming <paramref name="tag"/> for one swarm stack of one service.</summary>
    public static string Yaml(string stack, string tag, string onEmergencyRollback = "realign", string stabilization = "2m", string onDrift = "revert") => $"""
        version: 1
        stacks:
          - name: {stack}
            engine: swarm
            imageTag: {tag}
            services:
              - repository: {LoopHarness.Web}
                match: {stack}-web*
            policy:
              onEmergencyRollback: {onEmergencyRollback}
              onDrift: {onDrift}
              stabilization: {stabilization}
              writeBack: commit
        immutableTagPattern: '^(git|sha)-[0-9a-f]{"{"}7,40{"}"}$'
        """;

    /// <summary>The desired-state file naming several swarm stacks, each of one service (<c>{stack}-web*</c>).</summary>
    public static string Yaml(params (string Stack, string Tag)[] stacks) =>
        "version: 1\nstacks:\n" + string.Concat(stacks.Select(s => $"""
              - name: {s.Stack}
                engine: swarm
                imageTag: {s.Tag}
                services:
                  - repository: {LoopHarness.Web}
                    match: {s.Stack}-web*

            """)) + "immutableTagPattern: '^(git|sha)-[0-9a-f]{7,40}$'\n";

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder: leaving it is harmless.
        }
    }
}
