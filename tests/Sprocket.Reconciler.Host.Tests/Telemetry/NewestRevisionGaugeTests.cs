using Sprocket.Reconciler.Host.Tests.Loop;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Host.Tests.Telemetry;

/// <summary>
/// The verdict on the newest desired-state revision as a gauge without labels of its own: SprocketDesiredStateRejected
/// stays firing on it for as long as the bad revision is the newest, where the counter's increase fades after an hour.
/// </summary>
[Collection(ScrapedDaemonsCollection.Name)]
public sealed class NewestRevisionGaugeTests : IDisposable
{
    private const string Aaa = "git-aaa1111";
    private const string Bbb = "git-bbb2222";
    private readonly World _world = new();

    [Fact]
    public async Task The_newest_revision_rejected_gauge_is_1_until_a_valid_revision_is_the_newest()
    {
        await using var metrics = await MetricsEndpoint.StartAsync();
        _world.Swarm.Add("verdict-web", World.Image(Aaa));
        _world.Git.Commit(World.Yaml("verdict", Aaa));
        await using var daemon = LoopHarness.Start(_world);
        await daemon.PollAsync();
        Assert.Equal(0, Newest(await metrics.ScrapeAsync()));

        _world.Git.Commit("version: 1\nstacks: not-a-list\n");
        await daemon.PollAsync();
        Assert.Equal(1, Newest(await metrics.ScrapeAsync()));
        // Polled again, the same bad revision is still the newest: still 1, though the counter does not rise again.
        await daemon.PollAsync();
        Assert.Equal(1, Newest(await metrics.ScrapeAsync()));

        _world.Git.Commit(World.Yaml("verdict", Bbb));
        await daemon.PollAsync();
        Assert.Equal(0, Newest(await metrics.ScrapeAsync()));

        static double Newest(MetricsScrape scrape) => scrape.Find(MetricNames.DesiredStateNewestRejected).Max(s => s.Value);
    }

    public void Dispose() => _world.Dispose();
}

