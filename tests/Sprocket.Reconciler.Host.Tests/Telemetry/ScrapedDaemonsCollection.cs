namespace Sprocket.Reconciler.Host.Tests.Telemetry;

/// <summary>
/// Tests that scrape daemons through the process-wide exporter, run one after the other once the parallel tests are done:
/// the exporter merges the instruments of every daemon's meter by name, and a daemon disposed (or restarted) by one test
/// while another scrapes can drop the other's series from the merged metric; a gauge without labels of its own
/// (<see cref="Sprocket.Reconciler.Telemetry.MetricNames.DesiredStateNewestRejected"/>) also needs no other daemon alive.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScrapedDaemonsCollection
{
    public const string Name = "daemons scraped through the process-wide exporter";
}
