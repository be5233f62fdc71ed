using System.Diagnostics;
using System.Text.Json;
using Sprocket.Reconciler.IntegrationTests.Realign;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.Notify;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Charts;

/// <summary>The answer of one panel query over the story's window.</summary>
internal sealed record PanelResult(DashboardPanel Panel, PanelTarget Target, string Query, IReadOnlyList<PromSeries> Series);

/// <summary>
/// The emergency-rollback story on the real Swarm, watched by a real Prometheus: the daemon (notifying the Grafana and
/// Gatus stand-ins) deploys <see cref="GitCcc"/> over <see cref="GitBbb"/>, the on-call rolls back, the stack is held,
/// stable for 5 s, written back to git and aligned; then a rejected revision and an unreachable repository for the
/// desired-state panels. Prometheus scrapes the daemon and the Gatus stand-in every second and evaluates the
/// repository's rule files. What the tests assert is recorded here: the panels' query answers over the story's window,
/// when <c>SprocketEmergencyRollback</c> fired and cleared, and a real <c>/metrics</c> body.
/// </summary>
public sealed class DriftDashboardScenario : IAsyncLifetime
{
    public const string EmergencyRollbackAlert = "SprocketEmergencyRollback";
    private static readonly TimeSpan AlertDeadline = TimeSpan.FromSeconds(30);

    private OnCallStandIns? _standIns;
    private RealignStory? _story;
    private PrometheusServer? _prometheus;
    private readonly List<string> _timeline = [];
    private readonly Stopwatch _clock = new();

    internal RealignStory Story => _story!;

    /// <summary>The name of the stack's own Gatus HTTP check (in the group named after the stack).</summary>
    internal string OwnCheckName => _story!.Name + "-api";

    internal PrometheusServer Prometheus => _prometheus!;

    internal OnCallStandIns StandIns => _standIns!;

    internal DateTimeOffset WindowStart { get; private set; }

    internal DateTimeOffset WindowEnd { get; private set; }

    internal IReadOnlyDictionary<string, string> Variables { get; private set; } = new Dictionary<string, string>();

    internal IReadOnlyList<PanelResult> Results { get; private set; } = [];

    /// <summary>Seconds from the hold to the alert firing; null with <see cref="AlertProblem"/> when it did not.</summary>
    internal TimeSpan? AlertFiredAfterHold { get; private set; }

    internal TimeSpan? AlertClearedAfterSync { get; private set; }

    internal string? AlertProblem { get; private set; }

    internal string MetricsBody { get; private set; } = "";

    internal string CcDigest { get; private set; } = "";

    internal string BbbDigest { get; private set; } = "";

    internal TimeSpan Duration => _clock.Elapsed;

    /// <summary>What happened when, for messages and the rendered page.</summary>
    internal IReadOnlyList<string> Timeline => _timeline;

    internal IReadOnlyList<(DateTimeOffset At, string What)> Marks { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _clock.Start();
        var ruleFiles = ChartsRepository.RuleFiles();
        _standIns = await OnCallStandIns.StartAsync();
        _standIns.Gatus.AddExternalEndpointGroup(GatusOptions.DefaultGroup, OnCallStandIns.GatusToken);
        _story = await RealignStory.StartAsync(Engines.Swarm, "commit", "5s",
            options => options with { ExtraArguments = [.. options.ExtraArguments, .. _standIns.DaemonArguments] });
        var daemon = _story.Daemon;
        var stackUrl = new Uri(daemon.BaseAddress, $"api/v1/stacks/{_story.Name}");
        // The convention of charts/gatus/config.yaml: a stack's own checks in a Gatus group named after the stack.
        _standIns.Gatus.AddHttpEndpoint(_story.Name, OwnCheckName, stackUrl, IsSynced);

        var daemonTarget = $"{daemon.BaseAddress.Host}:{daemon.BaseAddress.Port}";
        _prometheus = await PrometheusServer.StartAsync(
            new Dictionary<string, string> { ["sprocket-reconciler"] = daemonTarget, ["gatus"] = _standIns.Target }, ruleFiles);
        await Eventually.Until(async () => (await _prometheus.QueryAsync($"up{{job=\"sprocket-reconciler\"}} == 1")).Count == 1
            && (await _prometheus.QueryAsync("up{job=\"gatus\"} == 1")).Count == 1,
            TimeSpan.FromSeconds(30), "Prometheus scraping the daemon and the Gatus stand-in");
        WindowStart = DateTimeOffset.UtcNow;
        Variables = new Dictionary<string, string>
        {
            ["datasource"] = "prometheus", ["stack"] = _story.Name, ["service"] = _story.Service, ["instance"] = daemonTarget,
        };
        var marks = new List<(DateTimeOffset, string)>();
        var scenario = _story.Scenario;
        CcDigest = await scenario.Registry.DigestOfAsync(Web, GitCcc);
        BbbDigest = await scenario.Registry.DigestOfAsync(Web, GitBbb);

        // The deploy's first annotation fails, so the notification-failure panel has a failure to show.
        _standIns.RefuseNextAnnotation();
        var ccc = await scenario.CommitTagAsync(GitCcc);
        Mark(marks, $"commit {GitCcc}");
        await scenario.WaitForRevisionAsync(ccc, s => s.Status == "synced" && s.OnlyService.LiveTag == GitCcc, $"{_story.Name} deployed {GitCcc}");
        await scenario.WaitForServicesAtAsync(GitCcc, "the daemon's deploy");
        Mark(marks, $"synced at {GitCcc}");

        Mark(marks, "docker service update --rollback");
        await _story.RollBackAndWaitForHoldAsync();
        var heldAt = Stopwatch.StartNew();
        Mark(marks, "held (emergency-rollback)");
        await WatchAlertAsync(firing: true, heldAt);

        await scenario.WaitAsync(s => s.Status == "synced" && s.Hold is null && s.Desired.ImageTag == GitBbb,
            $"{_story.Name} synced at {GitBbb} after the write-back", TimeSpan.FromSeconds(90));
        var syncedAt = Stopwatch.StartNew();
        Mark(marks, $"written back, synced at {GitBbb}");
        if (AlertProblem is null) await WatchAlertAsync(firing: false, syncedAt);

        // The desired-state panels: a revision refused by validation, then the repository out of reach for a moment.
        await scenario.CommitRawAsync("version: 2\nstacks: []\n");
        Mark(marks, "invalid revision committed");
        await Eventually.Until(async () => (await daemon.GetMetricsAsync()).Find("sprocket_reconciler_desired_state_rejected_total").Sum(s => s.Value) >= 1,
            TimeSpan.FromSeconds(30), "the invalid revision rejected");
        var bare = daemon.RepositoryPath;
        Directory.Move(bare, bare + ".away");
        try
        {
            await Eventually.Until(async () => (await daemon.GetMetricsAsync()).Find("sprocket_reconciler_desired_state_fetch_failures_total").Sum(s => s.Value) >= 1,
                TimeSpan.FromSeconds(30), "a failed fetch of the moved repository");
            Mark(marks, "repository unreachable");
        }
        finally
        {
            Directory.Move(bare + ".away", bare);
        }

        var fixedRevision = await scenario.CommitTagAsync(GitBbb);
        await scenario.WaitForRevisionAsync(fixedRevision, s => s.Status == "synced", $"{_story.Name} in force again at {GitBbb}");
        Mark(marks, "valid revision again");
        // Five more scrapes and rule evaluations, so the last state is in the TSDB and the last counters show in the rates.
        var lastScrape = DateTimeOffset.UtcNow;
        await Eventually.Until(async () => (await _prometheus.QueryAsync("timestamp(up{job=\"sprocket-reconciler\"})")).Single().Samples[0].Value
            > lastScrape.ToUnixTimeSeconds() + 5, TimeSpan.FromSeconds(30), "five more scrapes");
        WindowEnd = DateTimeOffset.UtcNow;
        Marks = marks;
        MetricsBody = await (await daemon.GetAsync("metrics")).Content.ReadAsStringAsync();

        var results = new List<PanelResult>();
        foreach (var panel in DashboardModel.Load(ChartsRepository.DashboardPath))
            foreach (var target in panel.Targets)
            {
                var query = DashboardModel.Substitute(target.Expr, Variables, WindowEnd - WindowStart);
                results.Add(new PanelResult(panel, target, query, await _prometheus.QueryRangeAsync(query, WindowStart, WindowEnd, TimeSpan.FromSeconds(1))));
            }

        Results = results;
        _clock.Stop();
    }

    private void Mark(List<(DateTimeOffset, string)> marks, string what)
    {
        marks.Add((DateTimeOffset.UtcNow, what));
        _timeline.Add($"{_clock.Elapsed.TotalSeconds,6:0.0}s {what}");
    }

    /// <summary>Polls <c>ALERTS</c> until the alert is firing (or gone) for the story's stack, recording how long it took.</summary>
    private async Task WatchAlertAsync(bool firing, Stopwatch since)
    {
        var query = $"ALERTS{{alertname=\"{EmergencyRollbackAlert}\",alertstate=\"firing\",stack=\"{_story!.Name}\"}}";
        try
        {
            await Eventually.Until(async () => (await _prometheus!.QueryAsync(query)).Count > 0 == firing, AlertDeadline,
                firing ? $"{EmergencyRollbackAlert} firing for {_story.Name} during the hold" : $"{EmergencyRollbackAlert} resolved after realignment");
            if (firing) AlertFiredAfterHold = since.Elapsed;
            else AlertClearedAfterSync = since.Elapsed;
            _timeline.Add($"{_clock.Elapsed.TotalSeconds,6:0.0}s {EmergencyRollbackAlert} {(firing ? "firing" : "resolved")}");
        }
        catch (TimeoutException exception)
        {
            var loaded = await _prometheus!.RuleNamesAsync();
            AlertProblem = $"{exception.Message}; rules loaded: {string.Join(", ", loaded)}; ALERTS now: "
                + string.Join("; ", await _prometheus.QueryAsync("ALERTS"));
        }
    }

    private static bool IsSynced(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("status").GetString() == "synced";
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null) await _prometheus.DisposeAsync();
        if (_story is not null) await _story.DisposeAsync();
        if (_standIns is not null) await _standIns.DisposeAsync();
    }
}
