using System.Diagnostics.Metrics;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Git;

/// <summary>The desired-state source's instruments, on the daemon's meter.</summary>
public sealed class DesiredStateMetrics
{
    private readonly Counter<long> _fetchFailures;
    private readonly Counter<long> _forcedPushes;
    private string? _startedFor;
    private volatile FetchState? _last;

    private sealed record FetchState(string Repository, bool Failing);

    public DesiredStateMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MetricNames.MeterName);
        _fetchFailures = meter.CreateCounter<long>(MetricNames.DesiredStateFetchFailures, description: "Desired-state fetches that failed, by reason.");
        _forcedPushes = meter.CreateCounter<long>(MetricNames.DesiredStateForcedPushes,
            description: "Times the desired-state branch head was seen moved backwards or rewritten (a force-push), by kind.");
        meter.CreateObservableGauge(MetricNames.DesiredStateFetchFailing, ObserveFailing,
            description: "1 while the latest fetch of the desired-state repository failed (the last good state stays in force), else 0.");
    }

    /// <summary>
    /// Exports a 0 for every failure reason of the repository about to be fetched (once per repository): Prometheus's
    /// increase() cannot see the first failure of a series that first appears at 1, so the first outage would show as
    /// nothing on the dashboard.
    /// </summary>
    public void Fetching(string repository)
    {
        if (Interlocked.Exchange(ref _startedFor, repository) == repository) return;
        foreach (var kind in new[] { BranchMoveKind.Backwards, BranchMoveKind.Rewritten })
            _forcedPushes.Add(0,
                new KeyValuePair<string, object?>("repository", repository),
                new KeyValuePair<string, object?>("kind", new BranchMove(kind, "", "").KindLabel));
        foreach (var reason in Enum.GetValues<DesiredFetchFailureReason>())
            _fetchFailures.Add(0,
                new KeyValuePair<string, object?>("repository", repository),
                new KeyValuePair<string, object?>("reason", reason.ToTagValue()));
    }

    public void RecordFailure(string repository, DesiredFetchFailureReason reason)
    {
        _last = new FetchState(repository, Failing: true);
        _fetchFailures.Add(1,
            new KeyValuePair<string, object?>("repository", repository),
            new KeyValuePair<string, object?>("reason", reason.ToTagValue()));
    }

    /// <summary>A fetch returned the branch head (whatever its file holds): the remote answers again.</summary>
    public void RecordFetched(string repository) => _last = new FetchState(repository, Failing: false);

    public void RecordForcedPush(string repository, BranchMove move) =>
        _forcedPushes.Add(1,
            new KeyValuePair<string, object?>("repository", repository),
            new KeyValuePair<string, object?>("kind", move.KindLabel));

    private IEnumerable<Measurement<int>> ObserveFailing()
    {
        if (_last is { } last)
            yield return new Measurement<int>(last.Failing ? 1 : 0, new KeyValuePair<string, object?>("repository", last.Repository));
    }
}
