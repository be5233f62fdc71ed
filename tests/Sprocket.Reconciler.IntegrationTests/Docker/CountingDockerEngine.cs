using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Docker;

/// <summary>
/// The real engine behind a unix-socket forwarder that records the request line of every Engine API call that passes
/// through it, so a test can count the daemon's Docker calls — e.g. that a poll cycle lists services once whatever the
/// number of stacks. Works for a client in the test process (<see cref="Endpoint"/>) and for a daemon started as a
/// process (<see cref="DockerHost"/> as its DOCKER_HOST). A request is recorded as its bytes are forwarded, before
/// the engine answers, so once a client call has returned its request is in <see cref="Requests"/>.
/// </summary>
/// <example>
/// <code>
/// await using var engine = CountingDockerEngine.Start();
/// var observer = new SwarmObserver(DockerClientFactory.Create(engine.Endpoint), new RollbackOriginMemory());
/// await observer.ListServicesAsync(ct);
/// Assert.Equal(1, engine.ServiceListCalls);
/// </code>
/// </example>
public sealed partial class CountingDockerEngine : IAsyncDisposable
{
    // A line longer than this is a request body (compact JSON has no line breaks), never a request line.
    private const int MaxRequestLineLength = 8 * 1024;

    private readonly string _target;
    private readonly string _directory;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly List<EngineRequest> _requests = [];

    private CountingDockerEngine(string targetSocketPath)
    {
        _target = targetSocketPath;
        // Short path: unix socket paths must fit in 108 bytes.
        _directory = Directory.CreateTempSubdirectory("cde").FullName;
        SocketPath = Path.Combine(_directory, "d.sock");
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
        _ = AcceptLoopAsync();
    }

    /// <summary>In front of the test environment's engine.</summary>
    public static CountingDockerEngine Start() => Start(new Uri(TestEnvironment.Current.DockerHost).AbsolutePath);

    public static CountingDockerEngine Start(string engineSocketPath) => new(engineSocketPath);

    public string SocketPath { get; }

    /// <summary>For <c>DockerClientFactory.Create</c>.</summary>
    public Uri Endpoint => new("unix://" + SocketPath);

    /// <summary>For a daemon process: its DOCKER_HOST or <c>Reconciler:Docker:Host</c>.</summary>
    public string DockerHost => "unix://" + SocketPath;

    /// <summary>Every call so far, in the order their request lines were forwarded.</summary>
    public IReadOnlyList<EngineRequest> Requests
    {
        get
        {
            lock (_requests) return [.. _requests];
        }
    }

    /// <summary>Service listings (<c>GET /services</c>, any API version and query): what one poll cycle should do once.</summary>
    public int ServiceListCalls => Count(request => request.IsServiceList);

    public int Count(Func<EngineRequest, bool> predicate)
    {
        lock (_requests) return _requests.Count(predicate);
    }

    /// <summary>Forgets the calls so far (e.g. those of start-up), so the next count starts from zero.</summary>
    public void Reset()
    {
        lock (_requests) _requests.Clear();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(_target), _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                client.Dispose();
                upstream.Dispose();
                return;
            }
            lock (_open) _open.AddRange([client, upstream]);
            _ = PumpAsync(client, upstream, recordRequests: true);
            _ = PumpAsync(upstream, client, recordRequests: false);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool recordRequests)
    {
        var buffer = new byte[16 * 1024];
        var line = new List<byte>();
        var lineTooLong = false;
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) break;
                // Recorded before forwarding: the client cannot see an answer to a call not yet counted.
                if (recordRequests) ScanForRequestLines(buffer.AsSpan(0, read), line, ref lineTooLong);
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed, or one side closed the connection.
        }
    }

    /// <summary>
    /// Splits the client's byte stream into lines and records those shaped like an HTTP request line. Header lines never
    /// have that shape and JSON bodies hold no raw line breaks, so parsing the framing (Content-Length, chunks) is not needed.
    /// </summary>
    private void ScanForRequestLines(ReadOnlySpan<byte> bytes, List<byte> line, ref bool lineTooLong)
    {
        foreach (var b in bytes)
        {
            if (b == (byte)'\n')
            {
                if (!lineTooLong && RequestLine().Match(Encoding.ASCII.GetString([.. line]).TrimEnd('\r')) is { Success: true } match)
                {
                    lock (_requests) _requests.Add(new EngineRequest(match.Groups["method"].Value, match.Groups["target"].Value));
                }
                line.Clear();
                lineTooLong = false;
            }
            else if (line.Count < MaxRequestLineLength)
            {
                line.Add(b);
            }
            else
            {
                lineTooLong = true;
            }
        }
    }

    [GeneratedRegex(@"^(?<method>GET|HEAD|POST|PUT|DELETE|PATCH) (?<target>/\S*) HTTP/1\.[01]$")]
    private static partial Regex RequestLine();

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        lock (_open)
        {
            foreach (var socket in _open) socket.Dispose();
            _open.Clear();
        }
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>One Engine API call as it crossed the wire.</summary>
/// <param name="Target">Path and query as sent, e.g. <c>/v1.41/services?status=true</c>.</param>
public sealed partial record EngineRequest(string Method, string Target)
{
    /// <summary>The path without the query and without the <c>/vX.Y</c> API version prefix: <c>/services</c>.</summary>
    public string Path => VersionPrefix().Replace(Target.Split('?', 2)[0], "");

    public bool IsServiceList => Method == "GET" && Path == "/services";

    [GeneratedRegex(@"^/v\d+\.\d+(?=/)")]
    private static partial Regex VersionPrefix();
}
