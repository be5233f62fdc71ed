using System.Diagnostics.Metrics;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Git;

/// <summary>The desired-state source's instruments, on the daemon's meter.</summary>
public sealed class DesiredStateMetrics
{
    private readonly Counter<long> _fetchFailures;

    public DesiredStateMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MetricNames.MeterName);
        _fetchFailures = meter.CreateCounter<long>(MetricNames.DesiredStateFetchFailures, description: "Desired-state fetches that failed, by reason.");
    }

    public void RecordFailure(string repository, DesiredFetchFailureReason reason) =>
        _fetchFailures.Add(1,
            new KeyValuePair<string, object?>("repository", repository),
            new KeyValuePair<string, object?>("reason", reason.ToTagValue()));
}
