using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Host.Tests.Telemetry;

/// <summary>
/// The agent's own health in the daemon's scrape: the daemon's telemetry composition on a loopback Kestrel with the
/// probes and <c>/metrics</c> mapped as <c>run</c> maps them, and one outgoing request through an
/// <see cref="IHttpClientFactory"/> client, as the registry and notifier clients are made.
/// Alone in its collection: the runtime's HTTP and ASP.NET Core meters are process-wide, so another test's host serving
/// meanwhile would add its routes to this scrape, and its host's meters ending would end the shared metric streams.
/// </summary>
[Collection(AgentHealthMetricsCollection.Name)]
public sealed class AgentHealthMetricsTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddReconcilerTelemetry();
        builder.Services.AddHttpClient("outgoing");
        _app = builder.Build();
        _app.MapGet("/healthz", () => Results.Text("ok"));
        _app.MapGet("/readyz", () => Results.Text("ready"));
        _app.MapPrometheusScrapingEndpoint("/metrics");
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    [Fact]
    public async Task Process_runtime_and_http_series_appear_beside_the_daemons_own()
    {
        using (var outgoing = _app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("outgoing"))
        {
            outgoing.BaseAddress = _client.BaseAddress;
            (await outgoing.GetAsync("healthz")).EnsureSuccessStatusCode();
        }
        // A collection the runtime's counters can report (a fresh test process may not have collected yet).
        GC.Collect();

        var scrape = await ScrapeAsync();

        string[] families =
        [
            "process_cpu_time_seconds_total", "process_memory_usage_bytes", "process_memory_virtual_bytes",
            "process_threads", "process_open_fds", "dotnet_assemblies_loaded", "dotnet_process_cpus", "dotnet_timers",
            "dotnet_process_memory_working_set_bytes", "dotnet_gc_collections_total", "dotnet_gc_pause_time_seconds_total",
            "dotnet_gc_heap_total_allocated_bytes_total", "dotnet_thread_pool_thread_count_total",
            "http_server_request_duration_seconds_count", "http_client_request_duration_seconds_count",
        ];
        var missing = families.Where(f => scrape.Find(f).Count == 0).ToList();
        Assert.True(missing.Count == 0, $"missing from /metrics: {string.Join(", ", missing)}\n{scrape}");
        Assert.Single(scrape.Find("http_server_request_duration_seconds_count", ("http_route", "/healthz"), ("http_response_status_code", "200")));
        Assert.Single(scrape.Find("http_client_request_duration_seconds_count", ("server_address", "127.0.0.1"),
            ("server_port", _client.BaseAddress!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("http_response_status_code", "200")));
        Assert.Single(scrape.Find("target_info", ("service_name", TelemetryServices.ServiceName)));
    }

    [Fact]
    public async Task Probes_scrapes_and_unknown_paths_add_no_label_values_per_request()
    {
        for (var i = 0; i < 25; i++)
        {
            await _client.GetAsync($"healthz?probe={Guid.NewGuid()}");
            await _client.GetAsync($"readyz?n={i}");
            await _client.GetAsync($"metrics?n={i}");
            await _client.GetAsync($"no-such-page-{Guid.NewGuid()}");
        }

        var scrape = await ScrapeAsync();

        var server = scrape.Samples.Where(s => s.Name.StartsWith("http_server_", StringComparison.Ordinal)
            || s.Name.StartsWith("aspnetcore_routing_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(server);
        var leaked = server.Where(s => s.Labels.Values.Any(v => v.Contains("no-such-page", StringComparison.Ordinal)
            || v.Contains('?') || v.Contains("probe", StringComparison.Ordinal))).ToList();
        Assert.True(leaked.Count == 0, "raw paths or queries became label values:\n" + string.Join('\n', leaked));
        // 100 requests of four kinds: one count series per route and status, not one per request. (The runtime's HTTP
        // meters are process-wide, so hosts of other tests running meanwhile add their own routes; only ours are counted.)
        const string Count = "http_server_request_duration_seconds_count";
        foreach (var route in new[] { "/healthz", "/readyz", "/metrics" })
            Assert.Equal(25, Assert.Single(scrape.Find(Count, ("http_route", route), ("http_response_status_code", "200"))).Value);
        var unknown = scrape.Find(Count, ("http_request_method", "GET"), ("http_response_status_code", "404"));
        Assert.Equal(25, Assert.Single(unknown, s => !s.Labels.ContainsKey("http_route")).Value);
    }

    private async Task<MetricsScrape> ScrapeAsync() => PrometheusText.Parse(await _client.GetStringAsync("metrics"));

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Runs <see cref="AgentHealthMetricsTests"/> after the parallel tests, with nothing else running.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AgentHealthMetricsCollection
{
    public const string Name = "process-wide HTTP meters";
}
