using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>One series of a Prometheus query answer: its labels and its (time, value) samples.</summary>
internal sealed record PromSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(DateTimeOffset At, double Value)> Samples)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";

    public override string ToString() =>
        "{" + string.Join(",", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "} "
        + Samples.Count.ToString(CultureInfo.InvariantCulture) + " samples";
}

/// <summary>
/// The real Prometheus (Debian's <c>prometheus</c> package, <c>/usr/bin/prometheus</c>) as a child process: a generated
/// configuration scraping the given targets every second and evaluating the given rule files every second, its TSDB in a
/// temporary folder, its HTTP API on a free loopback port. Disposing kills it (no shell).
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _root;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string root, Uri address)
    {
        _process = process;
        _root = root;
        Address = address;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (job name → <c>host:port</c>) and loading
    /// <paramref name="ruleFiles"/>, and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, string> targets, IReadOnlyList<string> ruleFiles)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: tests/env/swarm.sh up installs Debian's prometheus package.");
        var root = Directory.CreateTempSubdirectory("sprocket-prometheus-").FullName;
        var config = Path.Combine(root, "prometheus.yml");
        await File.WriteAllTextAsync(config, Configuration(targets, ruleFiles));
        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(root, "data")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--log.level=warn",
        })
            start.ArgumentList.Add(argument);

        var process = new Process { StartInfo = start };
        if (!process.Start()) throw new InvalidOperationException($"could not start {Binary}");
        var server = new PrometheusServer(process, root, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.Until(server.IsReadyAsync, StartDeadline, "Prometheus /-/ready");
            return server;
        }
        catch (TimeoutException exception)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"Prometheus did not become ready:\n{server.Log}", exception);
        }
    }

    /// <summary>The configuration file: every job scraped each second, rules evaluated each second.</summary>
    public static string Configuration(IReadOnlyDictionary<string, string> targets, IReadOnlyList<string> ruleFiles)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("global:");
        yaml.AppendLine("  scrape_interval: 1s");
        yaml.AppendLine("  scrape_timeout: 1s");
        yaml.AppendLine("  evaluation_interval: 1s");
        yaml.AppendLine("rule_files:");
        foreach (var file in ruleFiles) yaml.AppendLine(CultureInfo.InvariantCulture, $"  - '{file}'");
        yaml.AppendLine("scrape_configs:");
        foreach (var (job, target) in targets)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - job_name: '{job}'");
            yaml.AppendLine("    static_configs:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"      - targets: ['{target}']");
        }

        return yaml.ToString();
    }

    public Task<IReadOnlyList<PromSeries>> QueryAsync(string expr) =>
        ApiAsync("api/v1/query", [("query", expr)]);

    public Task<IReadOnlyList<PromSeries>> QueryRangeAsync(string expr, DateTimeOffset start, DateTimeOffset end, TimeSpan step) =>
        ApiAsync("api/v1/query_range",
        [
            ("query", expr), ("start", Seconds(start)), ("end", Seconds(end)),
            ("step", step.TotalSeconds.ToString(CultureInfo.InvariantCulture)),
        ]);

    /// <summary>The health of every scrape target, as <c>job</c> → <c>up</c> or <c>down</c>.</summary>
    public async Task<IReadOnlyDictionary<string, string>> TargetHealthAsync()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("api/v1/targets"));
        return document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("labels").GetProperty("job").GetString()!, t => t.GetProperty("health").GetString()!);
    }

    /// <summary>The rule groups Prometheus loaded, as the names of their rules.</summary>
    public async Task<IReadOnlyList<string>> RuleNamesAsync()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("api/v1/rules"));
        return document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray()).Select(r => r.GetProperty("name").GetString()!).ToList();
    }

    private async Task<IReadOnlyList<PromSeries>> ApiAsync(string path, IEnumerable<(string Key, string Value)> form)
    {
        using var content = new FormUrlEncodedContent(form.Select(p => KeyValuePair.Create(p.Key, p.Value)));
        using var response = await _http.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
            throw new InvalidOperationException($"Prometheus refused the query ({(int)response.StatusCode}): {body}");
        var data = root.GetProperty("data");
        var resultType = data.GetProperty("resultType").GetString();
        return data.GetProperty("result").EnumerateArray().Select(series =>
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var samples = resultType == "matrix"
                ? series.GetProperty("values").EnumerateArray().Select(Sample).ToList()
                : [Sample(series.GetProperty("value"))];
            return new PromSeries(labels, samples);
        }).ToList();
    }

    private static (DateTimeOffset, double) Sample(JsonElement pair) =>
        (DateTimeOffset.FromUnixTimeMilliseconds((long)(pair[0].GetDouble() * 1000)),
         pair[1].GetString() switch
         {
             "NaN" => double.NaN,
             "+Inf" => double.PositiveInfinity,
             "-Inf" => double.NegativeInfinity,
             var text => double.Parse(text!, CultureInfo.InvariantCulture),
         });

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    private async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited) throw new InvalidOperationException($"Prometheus exited with {_process.ExitCode}:\n{Log}");
        try
        {
            using var response = await _http.GetAsync("-/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The TSDB folder may still be held for a moment; a temp folder left behind costs nothing.
        }
    }
}
