using System.Diagnostics.Metrics;

namespace Sprocket.Reconciler.Git;

/// <summary>The desired-state source's instruments, on the daemon's meter.</summary>
public sealed class DesiredStateMetrics
{
    /// <summary>The meter every Sprocket.Reconciler instrument is created on.</summary>
    public const string MeterName = "Sprocket.Reconciler";

    /// <summary>
    /// Counter: fetches of the desired-state repository that returned no file. Tags: <c>repository</c> (no
    /// credentials), <c>reason</c> (<see cref="DesiredFetchFailureReasons.ToTagValue"/>). Named as scraped:
    /// the Prometheus exporter keeps an existing <c>_total</c> suffix rather than doubling it.
    /// </summary>
    public const string FetchFailuresTotal = "sprocket_reconciler_desired_state_fetch_failures_total";

    private readonly Counter<long> fetchFailures;

    public DesiredStateMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        fetchFailures = meter.CreateCounter<long>(FetchFailuresTotal, description: "Desired-state fetches that failed, by reason.");
    }

    public void RecordFailure(string repository, DesiredFetchFailureReason reason) =>
        fetchFailures.Add(1,
            new KeyValuePair<string, object?>("repository", repository),
            new KeyValuePair<string, object?>("reason", reason.ToTagValue()));
}
