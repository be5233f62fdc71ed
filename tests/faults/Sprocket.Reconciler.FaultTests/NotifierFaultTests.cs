using System.Diagnostics;
using System.Globalization;
using Sprocket.Reconciler.IntegrationTests.Charts;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.Realign;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using Sprocket.Reconciler.Notify;
using Xunit.Abstractions;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.FaultTests;

/// <summary>
/// Issue 12, GitHub (commit and deployment statuses), Grafana (annotations) and Gatus (external endpoints) stalling or
/// answering 5xx. The notifiers are the stand-ins <see cref="FakeGitHub"/> and <see cref="OnCallStandIns"/>, each behind
/// a <see cref="FaultyHttpProxy"/> that stalls or answers 503 in front of them. The loop only offers records to each
/// notifier's bounded queue, so an apply takes as long with every notifier stalled as with all of them healthy (both
/// measured, recorded), every failed send is counted, and a full queue drops its oldest record, counted.
/// </summary>
[Collection(RemoteFaultSuite.Name)]
public sealed class NotifierFaultTests(ITestOutputHelper output) : IAsyncDisposable
{
    private static readonly string[] NotifierNames = ["github", "grafana", "gatus"];
    private readonly ScratchDirectory _served = new();
    private readonly FakeGitHub _github = new();
    private GitHttpBackendServer? _git;
    private OnCallStandIns? _onCall;
    private FaultyHttpProxy? _githubProxy;
    private FaultyHttpProxy? _onCallProxy;

    [Fact]
    public async Task Stalled_or_failing_notifiers_delay_no_apply_are_counted_and_queue_no_more_than_their_bound()
    {
        _github.AcceptNotifications();
        _git = await GitHttpBackendServer.StartAsync(Directory.CreateDirectory(_served.Combine("projects")).FullName, FakeGitHub.Token);
        _onCall = await OnCallStandIns.StartAsync();
        _onCall.Gatus.AddExternalEndpointGroup(GatusOptions.DefaultGroup, OnCallStandIns.GatusToken);
        _githubProxy = FaultyHttpProxy.Start(new Uri(_github.Server.Url!));
        _onCallProxy = FaultyHttpProxy.Start(_onCall.Address);
        var onCall = _onCallProxy.Through(_onCall.Address);

        await using var scenario = await ReconcileScenario.StartAsync(new ScenarioOptions(Engines.Swarm, GitAaa)
        {
            BareDesiredState = true,
            DesiredRepositoryUrl = Serve,
            // Long enough that the apply is seen running when the fault starts under it.
            SwarmUpdateArguments = ["--update-monitor", "3s"],
            // An emergency rollback is realigned (git written back, the stack aligned) so its latency can be measured too.
            Policy = RealignStory.Policy("commit", "3s"),
            ExtraArguments =
            [
                $"--Reconciler:GitHub:Token={FakeGitHub.Token}",
                $"--Reconciler:GitHub:ApiUrl={_githubProxy.Through(new Uri(_github.Server.Url!))}{FakeGitHub.EnterprisePrefix.TrimStart('/')}",
                $"--Reconciler:Grafana:Url={onCall}", $"--Reconciler:Grafana:Token={OnCallStandIns.GrafanaToken}",
                $"--Reconciler:Gatus:Url={onCall}", $"--Reconciler:Gatus:Token={OnCallStandIns.GatusToken}",
                // The request timeouts keep their defaults (10 s): a stalled send holds its notifier's reader that long.
                // A queue of one, so the records of one apply overflow it behind a stalled send and the drop is seen.
                "--Reconciler:Notifications:QueueCapacity=1",
            ],
        });

        // Healthy: the apply's latency with every notifier answering, and proof each of them is reached.
        var healthy = await ApplyAsync(scenario, GitBbb, "every notifier healthy");
        await Eventually.Until(async () =>
            {
                var scrape = await Scrape(scenario);
                return NotifierNames.All(n => Count(scrape, NotifyMetricNames.Notifications, n) > 0);
            },
            TimeSpan.FromSeconds(30), "a notification delivered to each of GitHub, Grafana and Gatus");
        var realignHealthy = await RealignAsync(scenario, "every notifier healthy");
        var baseline = await Scrape(scenario);
        Assert.All(NotifierNames, n => Assert.Equal(0, Count(baseline, NotifyMetricNames.NotificationFailures, n)));

        // Idle: every notifier stalls (accepts, never answers) before git names a new tag.
        Switch(HttpFaultMode.Stall);
        var stalled = await ApplyAsync(scenario, GitBbb, "every notifier stalled");
        await AssertFailuresRiseAsync(scenario, baseline, "stalled notifiers time out");
        // One apply publishes three records GitHub takes (deploy started, deploy succeeded, synced) within seconds: the
        // first stalls the reader, the second waits in the queue of one, the third pushes the second out, counted.
        await Eventually.Until(async () =>
                Count(await Scrape(scenario), NotifyMetricNames.NotificationsDropped, "github") > Count(baseline, NotifyMetricNames.NotificationsDropped, "github"),
            TimeSpan.FromSeconds(30), "a GitHub record dropped from its full queue while GitHub stalls");
        var afterStall = await Scrape(scenario);
        var dropped = NotifierNames.Sum(n => Count(afterStall, NotifyMetricNames.NotificationsDropped, n) - Count(baseline, NotifyMetricNames.NotificationsDropped, n));
        Assert.True(_githubProxy.StalledConnections > 0 && _onCallProxy.StalledConnections > 0, "the notifiers were not reached while stalled");
        var realignStalled = await RealignAsync(scenario, "every notifier stalled");
        var idleRecovery = await ClearAndApplyAsync(scenario, GitBbb, "after the stall");

        // Mid-apply: git names a new tag, and every notifier starts answering 503 while the apply runs.
        var failuresBefore = await Scrape(scenario);
        var since = Stopwatch.StartNew();
        var commit = await scenario.CommitTagAsync(GitAaa);
        await scenario.WaitForRevisionAsync(commit, s => s.Status == "applying", $"the apply of {GitAaa} under way");
        Switch(HttpFaultMode.ServerError);
        await scenario.WaitForRevisionAsync(commit, s => s.Status == "synced" && s.OnlyService.LiveTag == GitAaa, $"synced at {GitAaa} with notifiers answering 503");
        var failing = since.Elapsed;
        await AssertFailuresRiseAsync(scenario, failuresBefore, "notifiers answering 503");
        Assert.True(_githubProxy.ServerErrorRequests + _onCallProxy.ServerErrorRequests > 0, "no notifier was asked while answering 503");
        var midApplyRecovery = await ClearAndApplyAsync(scenario, GitBbb, "after the 503s");

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[latency] commit to synced: healthy {healthy.TotalSeconds:0.0} s, all stalled {stalled.TotalSeconds:0.0} s, all 503 mid-apply {failing.TotalSeconds:0.0} s; "
            + $"emergency rollback to realigned: healthy {realignHealthy.TotalSeconds:0.0} s, all stalled {realignStalled.TotalSeconds:0.0} s; dropped while stalled: {dropped}"));
        // Five applies of what git named, and the two realignments' aligns, which change nothing that runs.
        var rows = scenario.History();
        var applies = rows.Where(r => r.Trigger != "apply").Select(r => r.Tag).ToList();
        var aligns = rows.Where(r => r.Trigger == "apply").ToList();
        string[] named = [GitBbb, GitBbb, GitBbb, GitAaa, GitBbb];
        var wrong = rows.Count(r => r.Outcome != "Succeeded") + Math.Abs(applies.Count - named.Length) + applies.Zip(named).Count(p => p.First != p.Second)
            + aligns.Count(r => r.Tag != GitAaa || r.Message?.Contains("nothing changed", StringComparison.Ordinal) != true) + Math.Abs(aligns.Count - 2);
        Assert.True(wrong == 0, $"applies of {string.Join(", ", named)} and two aligns at {GitAaa} expected: {string.Join("; ", rows)}");
        RecoveryRecord.Write(output, "GitHub, Grafana and Gatus stall (accept, never answer)", "idle", wrong, idleRecovery);
        RecoveryRecord.Write(output, "GitHub, Grafana and Gatus answer 503", "mid-apply", wrong, midApplyRecovery);
    }

    private string Serve(string repositoryPath)
    {
        var owner = Directory.CreateDirectory(Path.Combine(_served.Combine("projects"), FakeGitHub.Owner)).FullName;
        File.CreateSymbolicLink(Path.Combine(owner, FakeGitHub.Repo + ".git"), repositoryPath);
        return new Uri(_git!.BaseAddress, $"{FakeGitHub.Owner}/{FakeGitHub.Repo}.git").AbsoluteUri;
    }

    private void Switch(HttpFaultMode mode)
    {
        _githubProxy!.Switch(mode);
        _onCallProxy!.Switch(mode);
    }

    /// <summary>Commits <paramref name="tag"/> and returns the time from the commit to the stack synced at it.</summary>
    private static async Task<TimeSpan> ApplyAsync(ReconcileScenario scenario, string tag, string what)
    {
        var since = Stopwatch.StartNew();
        var commit = await scenario.CommitTagAsync(tag);
        await scenario.WaitForRevisionAsync(commit, s => s.Status == "synced" && s.OnlyService.LiveTag == tag, $"synced at {tag} ({what})");
        return since.Elapsed;
    }

    /// <summary>
    /// The on-call rolls the stack (at <see cref="GitBbb"/>) back to <see cref="GitAaa"/>; returns the time from the rollback
    /// until the daemon has written git back and the stack is synced at <see cref="GitAaa"/>, the incident over.
    /// </summary>
    private static async Task<TimeSpan> RealignAsync(ReconcileScenario scenario, string what)
    {
        var since = Stopwatch.StartNew();
        await scenario.Docker.RollbackAsync(scenario.ServiceNames[0]);
        await scenario.WaitAsync(s => s.Status == "held" && s.Hold?.Reason == "emergency-rollback", $"held after the rollback ({what})");
        await scenario.WaitAsync(s => s.Status == "synced" && s.Incident is null && s.Hold is null && s.Desired.ImageTag == GitAaa,
            $"realigned at {GitAaa} ({what})", TimeSpan.FromSeconds(60));
        return since.Elapsed;
    }

    private static async Task AssertFailuresRiseAsync(ReconcileScenario scenario, MetricsScrape before, string what) =>
        await Eventually.Until(async () =>
        {
            var now = await Scrape(scenario);
            return NotifierNames.Any(n => Count(now, NotifyMetricNames.NotificationFailures, n) > Count(before, NotifyMetricNames.NotificationFailures, n));
        }, TimeSpan.FromSeconds(30), $"{NotifyMetricNames.NotificationFailures} rising ({what})");

    /// <summary>
    /// Clears the fault and commits <paramref name="tag"/> (an apply publishes records at once): returns how long from
    /// the clear until GitHub, Grafana or Gatus counted a new delivery; then waits for the stack synced at the tag.
    /// </summary>
    private async Task<TimeSpan> ClearAndApplyAsync(ReconcileScenario scenario, string tag, string what)
    {
        var before = await Scrape(scenario);
        Switch(HttpFaultMode.Forward);
        var clear = Stopwatch.StartNew();
        var commit = await scenario.CommitTagAsync(tag);
        await Eventually.Until(async () =>
        {
            var now = await Scrape(scenario);
            return NotifierNames.Any(n => Count(now, NotifyMetricNames.Notifications, n) > Count(before, NotifyMetricNames.Notifications, n));
        }, TimeSpan.FromSeconds(30), $"a notification delivered again ({what})");
        var recovery = clear.Elapsed;
        await scenario.WaitForRevisionAsync(commit, s => s.Status == "synced" && s.OnlyService.LiveTag == tag, $"synced at {tag} ({what})");
        return recovery;
    }

    private static Task<MetricsScrape> Scrape(ReconcileScenario scenario) => scenario.Daemon.GetMetricsAsync();

    private static double Count(MetricsScrape scrape, string metric, string notifier) =>
        scrape.Find(metric, ("notifier", notifier)).Sum(s => s.Value);

    public async ValueTask DisposeAsync()
    {
        if (_githubProxy is not null) await _githubProxy.DisposeAsync();
        if (_onCallProxy is not null) await _onCallProxy.DisposeAsync();
        if (_onCall is not null) await _onCall.DisposeAsync();
        if (_git is not null) await _git.DisposeAsync();
        _github.Dispose();
        _served.Dispose();
    }
}
