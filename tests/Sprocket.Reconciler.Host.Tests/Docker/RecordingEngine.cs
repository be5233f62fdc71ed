using System.Net.Sockets;
using System.Text;

namespace Sprocket.Reconciler.Host.Tests.Docker;

/// <summary>
/// A stand-in engine on a unix socket that records each request's line and headers and answers every request with
/// 200 and a fixed JSON body: enough to see what the client puts on the wire (the real engine cannot show its headers).
/// Given an answer per request line instead, it also plays engine states the real one only shows in a race.
/// </summary>
public sealed class RecordingEngine : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, (int Status, string Body)> _answer;

    public RecordingEngine(string socketPath, string responseBody)
        : this(socketPath, _ => (200, responseBody))
    {
    }

    /// <param name="answer">Status and JSON body for a request line ("GET /v1.41/tasks?filters=… HTTP/1.1").</param>
    public RecordingEngine(string socketPath, Func<string, (int Status, string Body)> answer)
    {
        Path = socketPath;
        _answer = answer;
        File.Delete(socketPath);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen();
        _ = AcceptLoopAsync();
    }

    public string Path { get; }

    public Uri Endpoint => new("unix://" + Path);

    /// <summary>Request line ("POST /v1.41/services/x/update?version=1 HTTP/1.1") and headers (names lower-cased).</summary>
    public List<(string RequestLine, IReadOnlyDictionary<string, string> Headers)> Requests { get; } = [];

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
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        await using var stream = new NetworkStream(client);
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int end;
                while ((end = HeaderEnd(buffer)) < 0)
                {
                    var read = await stream.ReadAsync(chunk, _stop.Token);
                    if (read == 0) return;
                    buffer.AddRange(chunk.AsSpan(0, read));
                }

                var lines = Encoding.ASCII.GetString([.. buffer.Take(end)]).Split("\r\n");
                var headers = lines.Skip(1)
                    .Select(line => line.Split(':', 2))
                    .Where(parts => parts.Length == 2)
                    .ToDictionary(parts => parts[0].Trim().ToLowerInvariant(), parts => parts[1].Trim());
                var length = headers.TryGetValue("content-length", out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
                while (buffer.Count < end + 4 + length)
                {
                    var read = await stream.ReadAsync(chunk, _stop.Token);
                    if (read == 0) return;
                    buffer.AddRange(chunk.AsSpan(0, read));
                }
                buffer.RemoveRange(0, end + 4 + length);
                lock (Requests) Requests.Add((lines[0], headers));

                var (status, text) = _answer(lines[0]);
                var body = Encoding.UTF8.GetBytes(text);
                var head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Disposed while the client kept the connection open.
        }
        catch (IOException)
        {
            // The client closed the connection.
        }
    }

    private static int HeaderEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') return i;
        }
        return -1;
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        File.Delete(Path);
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
