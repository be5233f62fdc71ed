namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// One daemon per test class (a class fixture), for speed. Tests stay independent by each owning a stack of the
/// shared desired-state file (named after its <see cref="TestEnv.SwarmServiceScope"/> prefix) and only its own
/// services; <see cref="PutStackAsync"/> replaces that stack and keeps every other.
/// </summary>
public sealed class SharedDaemon : IAsyncLifetime
{
    // The file must always declare a stack; this one matches no service anyone creates. Its repository is in this
    // environment's registry: a fixed 127.0.0.1:5555 would resolve only where the default environment runs.
    private static readonly DesiredStack Anchor = new(
        "anchor", "git-aaa1111", new DesiredService($"{TestEnv.TestEnvironment.Current.Registry}/sprocketbot/web", "sprocket-daemon-anchor-matches-nothing*"));

    private readonly Dictionary<string, DesiredStack> _stacks = new(StringComparer.Ordinal) { [Anchor.Name] = Anchor };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DaemonProcess? _daemon;

    public DaemonProcess Daemon => _daemon ?? throw new InvalidOperationException("the daemon has not started");

    public async Task InitializeAsync() => _daemon = await DaemonProcess.StartAsync(DesiredStateYaml.Render(Anchor));

    /// <summary>Adds or replaces <paramref name="stack"/> in the desired-state file and commits it; returns the commit sha.</summary>
    public async Task<string> PutStackAsync(DesiredStack stack)
    {
        await _gate.WaitAsync();
        try
        {
            _stacks[stack.Name] = stack;
            return await Daemon.CommitDesiredStateAsync(DesiredStateYaml.Render(_stacks.Values), $"put stack {stack.Name}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null) await _daemon.DisposeAsync();
        _gate.Dispose();
    }
}
