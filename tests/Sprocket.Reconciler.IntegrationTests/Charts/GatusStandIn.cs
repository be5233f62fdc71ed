using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>
/// A stand-in for Gatus, modelled on TwiN/gatus: <c>api/external_endpoint.go</c> (<c>POST
/// /api/v1/endpoints/{key}/external?success=&amp;error=&amp;duration=</c>, Bearer token of the external endpoint, 404 for an
/// unknown key) and <c>metrics/metrics.go</c> (the exposition: <c>gatus_results_total{key,group,name,type,success}</c>,
/// <c>gatus_results_duration_seconds</c>, <c>gatus_results_connected_total</c>, <c>gatus_results_code_total{…,code}</c>,
/// <c>gatus_results_endpoint_success</c>; an external endpoint has no URL, so its <c>type</c> is <c>UNKNOWN</c>, and it
/// publishes no code). HTTP endpoints are checked every second like Gatus's watchdog, a result being a success when the
/// status is 200 and the body passes the endpoint's condition. Only the exposition and the external-endpoint API are
/// modelled; a real Gatus cannot be installed here.
/// </summary>
internal sealed class GatusStandIn : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _checks = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private sealed record Endpoint(string Key, string Group, string Name, string Type, string? Token)
    {
        public readonly Lock Gate = new();
        public readonly Dictionary<bool, long> Results = [];
        public readonly Dictionary<int, long> Codes = [];
        public long Connected;
        public double LastDurationSeconds;
        public bool? LastSuccess;
    }

    private readonly ConcurrentDictionary<string, (string Group, string Token)> _externalGroups = new(StringComparer.Ordinal);

    /// <summary>External endpoints of <paramref name="group"/>, one per stack: as if Gatus's configuration listed every
    /// stack under <c>external-endpoints</c> with this group and token. The endpoint exists from its first result.</summary>
    public void AddExternalEndpointGroup(string group, string token) =>
        _externalGroups[GatusResult.KeyOf(group, "")] = (group, token);

    /// <summary>An HTTP endpoint checked every second: success is status 200 and <paramref name="condition"/> on the body.</summary>
    public void AddHttpEndpoint(string group, string name, Uri url, Func<string, bool> condition)
    {
        var key = GatusResult.KeyOf(group, name);
        var endpoint = _endpoints[key] = new Endpoint(key, group, name, "HTTP", null);
        _checks.Add(Task.Run(() => CheckLoopAsync(endpoint, url, condition)));
    }

    /// <summary>The external-endpoint API: what Gatus answers, and the result recorded as its metrics publish it.</summary>
    public IResult PostExternalResult(string key, string? authorization, string? success, string? duration)
    {
        var group = _externalGroups.FirstOrDefault(g => key.StartsWith(g.Key, StringComparison.Ordinal) && key.Length > g.Key.Length);
        if (group.Key is null) return Results.NotFound("endpoint not found");
        var endpoint = _endpoints.GetOrAdd(key, k => new Endpoint(k, group.Value.Group, k[group.Key.Length..], "UNKNOWN", group.Value.Token));
        if (authorization != "Bearer " + endpoint.Token) return Results.Text("invalid token", statusCode: 401);
        var parsedDuration = TimeSpan.Zero;
        if (!string.IsNullOrEmpty(duration))
        {
            if (!duration.EndsWith("ms", StringComparison.Ordinal)
                || !long.TryParse(duration[..^2], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                return Results.Text("invalid duration: " + duration, statusCode: 400);
            parsedDuration = TimeSpan.FromMilliseconds(ms);
        }

        Record(endpoint, success == "true", parsedDuration, connected: false, code: null);
        return Results.Ok();
    }

    /// <summary>Every result recorded for the endpoint of <paramref name="group"/>/<paramref name="name"/>, by success.</summary>
    public (long Succeeded, long Failed) ResultsOf(string group, string name)
    {
        if (!_endpoints.TryGetValue(GatusResult.KeyOf(group, name), out var endpoint)) return (0, 0);
        lock (endpoint.Gate) return (endpoint.Results.GetValueOrDefault(true), endpoint.Results.GetValueOrDefault(false));
    }

    /// <summary>The Prometheus text exposition, as Gatus's <c>/metrics</c> serves it (series appear with their first result).</summary>
    public string Exposition()
    {
        var total = new StringBuilder("# HELP gatus_results_total Number of results per endpoint\n# TYPE gatus_results_total counter\n");
        var duration = new StringBuilder("# HELP gatus_results_duration_seconds Duration of the request in seconds\n# TYPE gatus_results_duration_seconds gauge\n");
        var connected = new StringBuilder("# HELP gatus_results_connected_total Total number of results in which a connection was successfully established\n# TYPE gatus_results_connected_total counter\n");
        var codes = new StringBuilder("# HELP gatus_results_code_total Total number of results by code\n# TYPE gatus_results_code_total counter\n");
        var success = new StringBuilder("# HELP gatus_results_endpoint_success Displays whether or not the endpoint was a success\n# TYPE gatus_results_endpoint_success gauge\n");
        foreach (var endpoint in _endpoints.Values.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            lock (endpoint.Gate)
            {
                if (endpoint.LastSuccess is not { } last) continue;
                var labels = $"key=\"{endpoint.Key}\",group=\"{endpoint.Group}\",name=\"{endpoint.Name}\",type=\"{endpoint.Type}\"";
                foreach (var (ok, count) in endpoint.Results)
                    total.Append(CultureInfo.InvariantCulture, $"gatus_results_total{{{labels},success=\"{(ok ? "true" : "false")}\"}} {count}\n");
                duration.Append(CultureInfo.InvariantCulture, $"gatus_results_duration_seconds{{{labels}}} {endpoint.LastDurationSeconds}\n");
                if (endpoint.Connected > 0) connected.Append(CultureInfo.InvariantCulture, $"gatus_results_connected_total{{{labels}}} {endpoint.Connected}\n");
                foreach (var (code, count) in endpoint.Codes)
                    codes.Append(CultureInfo.InvariantCulture, $"gatus_results_code_total{{{labels},code=\"{code}\"}} {count}\n");
                success.Append(CultureInfo.InvariantCulture, $"gatus_results_endpoint_success{{{labels}}} {(last ? 1 : 0)}\n");
            }
        }

        return string.Concat(total, duration, connected, codes, success);
    }

    private static void Record(Endpoint endpoint, bool success, TimeSpan duration, bool connected, int? code)
    {
        lock (endpoint.Gate)
        {
            endpoint.Results[success] = endpoint.Results.GetValueOrDefault(success) + 1;
            endpoint.LastDurationSeconds = duration.TotalSeconds;
            endpoint.LastSuccess = success;
            if (connected) endpoint.Connected++;
            if (code is { } c) endpoint.Codes[c] = endpoint.Codes.GetValueOrDefault(c) + 1;
        }
    }

    private async Task CheckLoopAsync(Endpoint endpoint, Uri url, Func<string, bool> condition)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await _http.GetAsync(url, _stop.Token);
                var body = await response.Content.ReadAsStringAsync(_stop.Token);
                Record(endpoint, (int)response.StatusCode == 200 && condition(body), clock.Elapsed, connected: true, code: (int)response.StatusCode);
            }
            catch (HttpRequestException)
            {
                Record(endpoint, false, clock.Elapsed, connected: false, code: null);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_checks);
        _http.Dispose();
        _stop.Dispose();
    }
}
