using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sprocket.Reconciler.FaultTests;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a real HTTP server (a registry, the git server, a notifier's stand-in), whose
/// failure mode a test switches at the worst moment. Images named on <see cref="Host"/> are pulled through it by the
/// engine too (loopback registries are plain http for dockerd), so a registry fault hits the daemon and Swarm alike.
/// Every switch drops the connections open at that moment: a kept-alive connection must not carry the old mode past
/// the switch.
/// </summary>
public sealed class FaultyHttpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _upstream;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    private FaultyHttpProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>: what image references name to go through the proxy.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public HttpFaultMode Mode { get; private set; } = HttpFaultMode.Forward;

    /// <summary>The <c>Retry-After</c> seconds a <see cref="HttpFaultMode.RateLimit"/> answer carries.</summary>
    public int RetryAfterSeconds { get; private set; } = 5;

    /// <summary>Requests answered 429 so far.</summary>
    public int RateLimitedRequests => _rateLimited;

    /// <summary>Requests answered 503 so far.</summary>
    public int ServerErrorRequests => _serverErrors;

    /// <summary>Connections held unanswered so far.</summary>
    public int StalledConnections => _stalled;

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress => new($"http://{Host}/");

    private int _rateLimited;
    private int _serverErrors;
    private int _stalled;

    /// <summary>Starts forwarding to <paramref name="upstream"/> (<c>host:port</c>, e.g. SPROCKET_TEST_REGISTRY).</summary>
    public static FaultyHttpProxy Start(string upstream)
    {
        var separator = upstream.LastIndexOf(':');
        var proxy = new FaultyHttpProxy(new IPEndPoint(IPAddress.Parse(upstream[..separator] == "localhost" ? "127.0.0.1" : upstream[..separator]),
            int.Parse(upstream[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
        proxy.Listen();
        return proxy;
    }

    /// <summary>Starts forwarding to the host and port of <paramref name="upstream"/> (an http address on loopback).</summary>
    public static FaultyHttpProxy Start(Uri upstream) => Start($"{upstream.Host}:{upstream.Port}");

    /// <summary><paramref name="upstream"/> with its host and port replaced by the proxy's.</summary>
    public Uri Through(Uri upstream) => new UriBuilder(upstream) { Host = "127.0.0.1", Port = Port }.Uri;

    public void Switch(HttpFaultMode mode, int retryAfterSeconds = 5)
    {
        lock (_gate)
        {
            RetryAfterSeconds = retryAfterSeconds;
            Mode = mode;
            DropOpenConnections();
            if (mode == HttpFaultMode.Refuse) StopListening();
            else if (_listener is null) Listen();
        }
    }

    private void Listen()
    {
        // The port was free when probed and is ours again the moment we stop refusing (a listening socket leaves no TIME_WAIT).
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    private void StopListening()
    {
        _listener?.Stop();
        _listener = null;
    }

    private void DropOpenConnections()
    {
        foreach (var socket in _open.Keys)
        {
            _open.TryRemove(socket, out _);
            socket.Dispose();
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // stopped listening
            }
            _open[client] = 0;
            _ = ServeAsync(client, Mode);
        }
    }

    private async Task ServeAsync(Socket client, HttpFaultMode mode)
    {
        try
        {
            switch (mode)
            {
                case HttpFaultMode.Forward:
                    using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                    {
                        await upstream.ConnectAsync(_upstream, _stopping.Token);
                        _open[upstream] = 0;
                        try
                        {
                            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
                        }
                        finally
                        {
                            _open.TryRemove(upstream, out _);
                        }
                    }
                    break;
                case HttpFaultMode.RateLimit:
                    await ReadRequestHeadAsync(client);
                    Interlocked.Increment(ref _rateLimited);
                    var answer = "HTTP/1.1 429 Too Many Requests\r\n" +
                        $"Retry-After: {RetryAfterSeconds}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}";
                    await client.SendAsync(Encoding.ASCII.GetBytes(answer), SocketFlags.None, _stopping.Token);
                    break;
                case HttpFaultMode.ServerError:
                    await ReadRequestHeadAsync(client);
                    Interlocked.Increment(ref _serverErrors);
                    const string unavailable = "{\"message\":\"Service Unavailable\"}";
                    var error = "HTTP/1.1 503 Service Unavailable\r\n" +
                        $"Content-Type: application/json\r\nContent-Length: {unavailable.Length}\r\nConnection: close\r\n\r\n{unavailable}";
                    await client.SendAsync(Encoding.ASCII.GetBytes(error), SocketFlags.None, _stopping.Token);
                    break;
                case HttpFaultMode.Stall:
                    Interlocked.Increment(ref _stalled);
                    // Hold the connection without a byte until the mode switches (which drops it) or the proxy stops.
                    await Task.Delay(Timeout.Infinite, _stopping.Token);
                    break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // A dropped connection is the fault being injected, or the proxy stopping.
        }
        finally
        {
            _open.TryRemove(client, out _);
            client.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
            if (read == 0) return;
            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stopping.Token);
        }
    }

    private async Task ReadRequestHeadAsync(Socket client)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 65_536)
        {
            var read = await client.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
            if (read == 0) return;
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        lock (_gate)
        {
            StopListening();
            DropOpenConnections();
        }
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        _stopping.Dispose();
    }
}
