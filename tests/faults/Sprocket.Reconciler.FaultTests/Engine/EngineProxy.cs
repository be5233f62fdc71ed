using Sprocket.Reconciler.IntegrationTests.Docker;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.FaultTests.Engine;

/// <summary>
/// The daemon's way to node 1's engine through a <see cref="UnixSocketProxy"/> the test owns: <see cref="Cut"/> closes
/// every connection and refuses new ones (to the daemon, the engine is gone: its event stream ends, every call fails),
/// <see cref="Restore"/> lets it through again. The engine itself, and everyone else's connection to it, never notice.
/// </summary>
internal sealed class EngineProxy : IAsyncDisposable
{
    private readonly string _directory;
    private readonly UnixSocketProxy _proxy;

    private EngineProxy(string directory, UnixSocketProxy proxy)
    {
        _directory = directory;
        _proxy = proxy;
    }

    public static EngineProxy Start()
    {
        var engine = new Uri(TestEnvironment.Current.DockerHost);
        if (engine.Scheme != "unix") throw new InvalidOperationException($"the engine proxy needs a unix socket engine, not {engine}");
        // A short directory: a unix socket path must fit in 108 bytes.
        var directory = Directory.CreateTempSubdirectory("sprk-engine-").FullName;
        var proxy = new UnixSocketProxy(engine.AbsolutePath, Path.Combine(directory, "d.sock"));
        proxy.Start();
        return new EngineProxy(directory, proxy);
    }

    /// <summary>The daemon talks to the proxy; it re-checks leadership and reconnects often, so the test's windows stay short.</summary>
    public IReadOnlyList<string> DaemonArguments =>
    [
        $"--Reconciler:Docker:Host={_proxy.Endpoint}",
        "--Reconciler:Docker:LeaderCheckInterval=00:00:01",
    ];

    public void Cut() => _proxy.Stop();

    public void Restore() => _proxy.Start();

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
