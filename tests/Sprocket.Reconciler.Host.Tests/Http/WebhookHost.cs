using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Quartz;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Http;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Http;

/// <summary>
/// The webhook endpoint alone on a loopback Kestrel, with the options it reads and a scheduler that records the
/// job triggers instead of fetching: no Swarm, no git. What a delivery caused is in <see cref="Triggers"/>.
/// </summary>
internal sealed class WebhookHost : IAsyncDisposable
{
    public const string Secret = "It's a Secret to Everybody";

    private readonly WebApplication _app;

    private readonly ConcurrentDictionary<string, CountingRequestBody> _bodies;

    private WebhookHost(WebApplication app, ConcurrentQueue<(JobKey Job, string? Trigger)> triggers, ConcurrentDictionary<string, CountingRequestBody> bodies)
    {
        _app = app;
        _bodies = bodies;
        Triggers = triggers;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        Logs = app.Services.GetFakeLogCollector();
    }

    public ConcurrentQueue<(JobKey Job, string? Trigger)> Triggers { get; }

    public HttpClient Client { get; }

    public FakeLogCollector Logs { get; }

    public static async Task<WebhookHost> StartAsync(string repository = "https://github.com/" + WebhookPayloads.Repository + ".git")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddFakeLogging();
        builder.Services.Configure<GitHubOptions>(o => o.WebhookSecret = Secret);
        builder.Services.Configure<DesiredStateOptions>(o => (o.Repository, o.Branch) = (repository, WebhookPayloads.Branch));
        var triggers = new ConcurrentQueue<(JobKey, string?)>();
        builder.Services.AddSingleton<ISchedulerFactory>(new RecordingSchedulerFactory(triggers));
        builder.Services.AddGitHubWebhookConcurrency();
        var app = builder.Build();
        var bodies = new ConcurrentDictionary<string, CountingRequestBody>();
        app.Use((context, next) =>
        {
            var body = new CountingRequestBody(context.Request.Body);
            context.Request.Body = body;
            bodies[context.Request.Headers["X-GitHub-Delivery"].ToString()] = body;
            return next(context);
        });
        app.UseRateLimiter();
        app.MapGitHubWebhook();
        await app.StartAsync();
        return new WebhookHost(app, triggers, bodies);
    }

    public Uri Address => Client.BaseAddress!;

    /// <summary>How many body bytes the endpoint read of the delivery with this <c>X-GitHub-Delivery</c>; null before it arrived.</summary>
    public long? BodyBytesRead(string delivery) => _bodies.TryGetValue(delivery, out var body) ? body.BytesRead : null;

    public async Task<(int Status, string Body)> DeliverAsync(string @event, byte[] body, string contentType, string? signature = null) =>
        await DeliverAsync(@event, body, contentType, Guid.NewGuid().ToString(), signature);

    public async Task<(int Status, string Body)> DeliverAsync(string @event, byte[] body, string contentType, string delivery, string? signature)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, GitHubWebhook.Path.TrimStart('/')) { Content = content };
        request.Headers.Add("X-GitHub-Event", @event);
        request.Headers.Add("X-GitHub-Delivery", delivery);
        request.Headers.Add("X-Hub-Signature-256", signature ?? WebhookPayloads.Sign(Secret, body));
        using var response = await Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class RecordingSchedulerFactory(ConcurrentQueue<(JobKey, string?)> triggers) : ISchedulerFactory
    {
        public ValueTask<List<IScheduler>> GetAllSchedulers(CancellationToken cancellationToken = default) => new([Scheduler()]);

        public ValueTask<IScheduler> GetScheduler(CancellationToken cancellationToken = default) => new(Scheduler());

        public ValueTask<IScheduler?> LookupScheduler(string schedName, CancellationToken cancellationToken = default) => new(Scheduler());

        private IScheduler Scheduler()
        {
            var scheduler = DispatchProxy.Create<IScheduler, RecordingScheduler>();
            ((RecordingScheduler)(object)scheduler).Triggers = triggers;
            return scheduler;
        }
    }

    /// <summary>Only <c>TriggerJob(key, data, token)</c> is expected; any other call fails the test.</summary>
    public class RecordingScheduler : DispatchProxy
    {
        public ConcurrentQueue<(JobKey, string?)> Triggers { get; set; } = new();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IScheduler.TriggerJob) && args is [JobKey key, JobDataMap data, CancellationToken])
            {
                Triggers.Enqueue((key, data.GetString(DesiredStatePollJob.TriggerKey)));
                return targetMethod.ReturnType == typeof(ValueTask) ? default(ValueTask) : Task.CompletedTask;
            }
            throw new NotSupportedException($"The webhook called IScheduler.{targetMethod?.Name}.");
        }
    }
}
