using System.Text;
using Sprocket.Reconciler.Http;

namespace Sprocket.Reconciler.Host.Tests.Http;

/// <summary>
/// Bodies an attacker can send without the secret: the endpoint must refuse them for the price of the headers,
/// not of the body. A raw socket sends part of a large body and then waits for the answer, so an endpoint that
/// reads the body first never answers and the test fails at the deadline.
/// </summary>
public sealed class GitHubWebhookHostileBodyTests : IAsyncLifetime
{
    private const long BigBody = 24L * 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private WebhookHost _host = null!;

    public async Task InitializeAsync() => _host = await WebhookHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha1=0123456789abcdef0123456789abcdef01234567")]
    [InlineData("sha256=not-hex")]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a")]
    public async Task A_body_without_a_well_formed_signature_is_refused_before_any_of_it_is_read(string? signature)
    {
        var delivery = Guid.NewGuid().ToString();
        await using var request = await RawWebhookRequest.StartAsync(_host.Address, delivery, BigBody, signature);
        await request.SendBodyAsync(1024 * 1024);

        var answer = await request.ReadAnswerAsync(Deadline);

        Assert.True(answer is not null, $"no answer within {Deadline} after {request.BytesSent} of {BigBody} body bytes");
        Assert.Equal(401, answer.Value.Status);
        Assert.Equal(0, _host.BodyBytesRead(delivery));
    }

    [Fact]
    public async Task Deliveries_past_four_at_once_are_answered_503_with_Retry_After_without_reading_them()
    {
        // Four deliveries with a signature of the right shape, stalled mid-body, hold every slot.
        var wellFormed = WebhookPayloads.Sign("not the secret", [1]);
        var held = new List<RawWebhookRequest>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var delivery = Guid.NewGuid().ToString();
                var request = await RawWebhookRequest.StartAsync(_host.Address, delivery, 1024 * 1024, wellFormed);
                held.Add(request);
                await request.SendBodyAsync(1024);
                request.KeepTrickling();
                await Eventually.Until(() => Task.FromResult(_host.BodyBytesRead(delivery) > 0), Deadline, "the endpoint reads held delivery " + i);
            }

            var excess = Guid.NewGuid().ToString();
            await using var fifth = await RawWebhookRequest.StartAsync(_host.Address, excess, BigBody, wellFormed);
            await fifth.SendBodyAsync(1024);
            var answer = await fifth.ReadAnswerAsync(Deadline);

            Assert.True(answer is not null, $"no answer within {Deadline} to the fifth delivery");
            Assert.Equal(503, answer.Value.Status);
            Assert.Contains("\r\nRetry-After: ", answer.Value.Head, StringComparison.OrdinalIgnoreCase);
            Assert.True(_host.BodyBytesRead(excess) is null or 0);
        }
        finally
        {
            foreach (var request in held) await request.DisposeAsync();
        }

        // The slots are given back when the stalled clients go away.
        var push = Encoding.UTF8.GetBytes(WebhookPayloads.PushToMaster);
        var status = await Eventually.UntilValue(
            async () => (await _host.DeliverAsync("push", push, GitHubPushPayload.JsonMediaType)).Status,
            status => status == 202, Deadline, "a signed push is accepted again");
    }

    [Fact]
    public async Task A_chunked_body_past_the_cap_is_cut_off_by_the_server_at_the_cap()
    {
        // Chunked: no Content-Length to refuse up front, so only the server's body limit stops it.
        var delivery = Guid.NewGuid().ToString();
        await using var request = await RawWebhookRequest.StartAsync(_host.Address, delivery, null, WebhookPayloads.Sign("not the secret", [1]));
        var sending = Task.Run(async () =>
        {
            try
            {
                await request.SendBodyAsync(GitHubWebhook.MaxBodyBytes + 4L * 1024 * 1024);
            }
            catch (IOException)
            {
                // The server stopped reading and closed the connection: the point of the test.
            }
        });

        var answer = await request.ReadAnswerAsync(TimeSpan.FromSeconds(30));

        Assert.True(answer is not null, "no answer to a body past the cap");
        Assert.Equal(413, answer.Value.Status);
        Assert.InRange(_host.BodyBytesRead(delivery) ?? 0, 1, GitHubWebhook.MaxBodyBytes);
        await request.DisposeAsync();
        await sending;
    }

    public static TheoryData<string> ContentTypes => [GitHubPushPayload.JsonMediaType, GitHubPushPayload.FormMediaType];

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public async Task A_signed_push_spanning_many_read_buffers_still_fetches(string contentType)
    {
        // A push with a large commit list: megabytes, so the kept body is many pooled pieces, and form escapes
        // and UTF-8 sequences straddle the joins between them.
        var json = WebhookPayloads.With(WebhookPayloads.PushToMaster, "padding", string.Concat(Enumerable.Repeat("é ∑ %+&=\"", 200_000)));
        var body = contentType == GitHubPushPayload.FormMediaType ? WebhookPayloads.AsForm(json) : Encoding.UTF8.GetBytes(json);

        var (status, answer) = await _host.DeliverAsync("push", body, contentType);

        Assert.True(status == 202, $"{status}: {answer}");
        Assert.Single(_host.Triggers);
    }
}
