using System.Net.Sockets;

namespace Sprocket.Reconciler.IntegrationTests.Docker;

/// <summary>
/// A unix-socket forwarder in front of the real engine, so a test can make "the engine go away" for the
/// daemon (cut every connection, refuse new ones) and come back, without stopping the shared dockerd.
/// </summary>
public sealed class UnixSocketProxy : IAsyncDisposable
{
    private readonly string _target;
    private Socket? _listener;
    private CancellationTokenSource _cut = new();
    private readonly List<Socket> _open = [];

    public UnixSocketProxy(string targetSocketPath, string listenPath)
    {
        _target = targetSocketPath;
        Path = listenPath;
    }

    public string Path { get; }

    public Uri Endpoint => new("unix://" + Path);

    public void Start()
    {
        File.Delete(Path);
        _cut = new CancellationTokenSource();
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen();
        _ = AcceptLoopAsync(_listener, _cut.Token);
    }

    /// <summary>Closes the listener and every forwarded connection: to a client, the engine is gone.</summary>
    public void Stop()
    {
        _cut.Cancel();
        _listener?.Dispose();
        _listener = null;
        lock (_open)
        {
            foreach (var socket in _open) socket.Dispose();
            _open.Clear();
        }
        File.Delete(Path);
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cut);
            }
            catch (Exception) when (cut.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_target), cut);
            lock (_open) _open.AddRange([client, upstream]);
            _ = PumpAsync(client, upstream, cut);
            _ = PumpAsync(upstream, client, cut);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cut)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cut);
                if (read == 0) break;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cut);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception) when (cut.IsCancellationRequested)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _cut.Dispose();
        return ValueTask.CompletedTask;
    }
}
