using System.Diagnostics.Metrics;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Git;

/// <summary>The desired-state source's instruments, on the daemon's meter.</summary>
public sealed class DesiredStateMetrics
{
    private readonly Counter<long> _fetchFailures;
    private string? _startedFor;

    public DesiredStateMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MetricNames.MeterName);
        _fetchFailures = meter.CreateCounter<long>(MetricNames.DesiredStateFetchFailures, description: "Desired-state fetches that failed, by reason.");
    }

    /// <summary>
    /// Exports a 0 for every failure reason of the repository about to be fetched (once per repository): Prometheus's
    /// increase() cannot see the first failure of a series that first appears at 1, so the first outage would show as
    /// nothing on the dashboard.
    /// </summary>
    public void Fetching(string repository)
    {
        if (Interlocked.Exchange(ref _startedFor, repository) == repository) return;
        foreach (var reason in Enum.GetValues<DesiredFetchFailureReason>())
            _fetchFailures.Add(0,
                new KeyValuePair<string, object?>("repository", repository),
                new KeyValuePair<string, object?>("reason", reason.ToTagValue()));
    }

    public void RecordFailure(string repository, DesiredFetchFailureReason reason) =>
        _fetchFailures.Add(1,
            new KeyValuePair<string, object?>("repository", repository),
            new KeyValuePair<string, object?>("reason", reason.ToTagValue()));
}
