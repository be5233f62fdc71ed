using System.Net.Sockets;
using System.Text;

namespace Sprocket.Reconciler.Host.Tests.Http;

/// <summary>
/// A webhook POST written by hand on a socket, so a test controls how much of the body is sent and when: an
/// HttpClient always sends the whole body before it reads the answer. The request announces
/// <see cref="ContentLength"/> bytes, or none (chunked, no length known in advance) when that is null;
/// <see cref="SendBodyAsync"/> sends some of them.
/// </summary>
internal sealed class RawWebhookRequest : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _filler = new byte[64 * 1024];
    private readonly CancellationTokenSource _stop = new();
    private Task _trickle = Task.CompletedTask;

    private RawWebhookRequest(TcpClient client, long? contentLength)
    {
        _client = client;
        _stream = client.GetStream();
        ContentLength = contentLength;
        Array.Fill(_filler, (byte)'x');
    }

    public long? ContentLength { get; }

    public long BytesSent { get; private set; }

    /// <summary>Connects and sends the request line and headers; <paramref name="signature"/> null sends none.</summary>
    public static async Task<RawWebhookRequest> StartAsync(Uri server, string delivery, long? contentLength, string? signature)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var request = new RawWebhookRequest(client, contentLength);
        var head = new StringBuilder()
            .Append("POST ").Append(Sprocket.Reconciler.Http.GitHubWebhook.Path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append(contentLength is { } length ? $"Content-Length: {length}\r\n" : "Transfer-Encoding: chunked\r\n")
            .Append("X-GitHub-Event: push\r\n")
            .Append("X-GitHub-Delivery: ").Append(delivery).Append("\r\n");
        if (signature is not null) head.Append("X-Hub-Signature-256: ").Append(signature).Append("\r\n");
        await request._stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        return request;
    }

    /// <summary>Sends <paramref name="bytes"/> more filler bytes of the body.</summary>
    public async Task SendBodyAsync(long bytes)
    {
        for (var left = bytes; left > 0;)
        {
            var piece = (int)Math.Min(left, _filler.Length);
            if (ContentLength is null) await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{piece:x}\r\n"));
            await _stream.WriteAsync(_filler.AsMemory(0, piece));
            if (ContentLength is null) await _stream.WriteAsync("\r\n"u8.ToArray());
            left -= piece;
            BytesSent += piece;
        }
    }

    /// <summary>
    /// Keeps sending a kilobyte every 100 ms in the background: fast enough for Kestrel's minimum body data rate
    /// (240 bytes/s after a 5 s grace), which would otherwise answer a stalled request 408 and free its slot.
    /// </summary>
    public void KeepTrickling()
    {
        _trickle = Task.Run(async () =>
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            try
            {
                while (BytesSent + 1024 < (ContentLength ?? long.MaxValue) && await pace.WaitForNextTickAsync(_stop.Token))
                    await SendBodyAsync(1024);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // Disposed, or the server gave up on the request: either way nothing more to send.
            }
        });
    }

    /// <summary>The status code and headers of the answer, or null if none came by <paramref name="deadline"/>.</summary>
    public async Task<(int Status, string Head)?> ReadAnswerAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var head = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await _stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) break;
                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return null;
        }
        var text = head.ToString();
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? (int.Parse(text.AsSpan(9, 3)), text) : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        await _trickle;
        _client.Dispose();
        _stop.Dispose();
    }
}
