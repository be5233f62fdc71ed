using System.Text;
using Sprocket.Reconciler.Http;

namespace Sprocket.Reconciler.Host.Tests.Http;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebhookMemoryCollection
{
    /// <summary>Alone, so the process's allocation counter counts this test's request only.</summary>
    public const string Name = "webhook memory";
}

/// <summary>
/// What a badly signed body costs: it has to be read to the end to know the signature is wrong, but while being
/// read it should cost about its own size once — not a doubling buffer and a copy of it (about 3.7 times the body).
/// </summary>
[Collection(WebhookMemoryCollection.Name)]
public sealed class GitHubWebhookMemoryTests : IAsyncLifetime
{
    private WebhookHost _host = null!;

    public async Task InitializeAsync() => _host = await WebhookHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_big_body_with_a_wrong_signature_is_refused_allocating_less_than_twice_its_size()
    {
        var body = new byte[24 * 1024 * 1024];
        Array.Fill(body, (byte)' ');
        var wrong = WebhookPayloads.Sign(WebhookHost.Secret, Encoding.UTF8.GetBytes("another body"));
        // Warm up: the first request pays for JIT and the connection.
        await _host.DeliverAsync("push", Encoding.UTF8.GetBytes(WebhookPayloads.PushToMaster), GitHubPushPayload.JsonMediaType);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var (status, _) = await _host.DeliverAsync("push", body, GitHubPushPayload.JsonMediaType, wrong);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(401, status);
        Assert.True(allocated < 2L * body.Length, $"{allocated / (1024 * 1024)} MB allocated for a {body.Length / (1024 * 1024)} MB body");
    }
}
