using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Realign;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.StatusPages;

/// <summary>
/// The status pages of the real daemon, on the real Swarm, in the middle of a real incident: the daemon deployed
/// <see cref="GitBbb"/>, the on-call rolled it back to <see cref="GitAaa"/> with <c>docker service update --rollback</c>,
/// and the stack is held through a long stabilization. What the browser shows must be that incident, from the daemon's
/// own state: the hold, both tags, the deadline, the timeline of what happened, the deploy in the apply history.
/// </summary>
public sealed class StatusPageIncidentTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task During_an_emergency_rollback_hold_the_pages_show_the_incident_its_timeline_and_the_commands()
    {
        // Long enough that nothing is written back while the test looks.
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "commit", "10m");
        await story.RollBackAndWaitForHoldAsync();
        await story.WaitForRollbackCompletedAsync();
        var held = await story.WaitForStableSinceAsync();
        var deadline = held.Incident!.StabilizationDeadline!.Value;
        var daemon = story.Daemon.BaseAddress;

        await using var watch = await PageWatch.OpenAsync(chromium.Browser, 1280);
        var page = watch.Page;
        await watch.GoToAsync(daemon);
        var row = page.Locator($"tr[data-stack='{story.Name}']");
        Assert.Equal("held", await row.Locator(".badge").TextContentAsync());
        Assert.Equal($"emergency rollback {GitBbb} → {GitAaa}", await row.Locator(".pill.incident").TextContentAsync());
        await watch.AssertNoHorizontalOverflowAsync();
        await watch.ScreenshotAsync("daemon-overview");

        // The timeline is appended as the loop records each transition; read the page again until the clock's start is in.
        var stack = new Uri(daemon, $"stacks/{story.Name}");
        var kinds = await Eventually.UntilValue(async () =>
            {
                await watch.GoToAsync(stack);
                return (await page.Locator("ol.timeline .kind").AllTextContentsAsync()).ToList();
            },
            k => k.Contains("emergency-rollback") && k.Contains("stabilization-started"),
            TimeSpan.FromSeconds(30), $"{story.Name}'s timeline with the rollback and the stabilization");
        Assert.Contains("apply-succeeded", kinds);
        Assert.True(kinds.IndexOf("stabilization-started") < kinds.IndexOf("emergency-rollback"), $"newest first: {string.Join(", ", kinds)}");

        var incident = await page.Locator("#incident").TextContentAsync() ?? "";
        Assert.Contains($"On-call rolled {GitBbb} back to {GitAaa}", incident);
        Assert.Contains(Sprocket.Reconciler.StatusPages.Age.Iso(deadline), incident);
        Assert.Contains("Held (emergency-rollback)", await page.Locator("#acting").TextContentAsync());
        var service = page.Locator("#services + .table-wrap tbody tr").Filter(new() { HasText = story.Service });
        Assert.Contains("emergency-rollback", await service.TextContentAsync());
        Assert.Contains(GitBbb, await page.Locator("#applies + .table-wrap").TextContentAsync());
        Assert.Equal("succeeded", await page.Locator("#applies + .table-wrap .badge").First.TextContentAsync());
        var commands = await page.Locator(".commands pre").AllTextContentsAsync();
        Assert.Contains($"curl -fsS -X POST -H \"Authorization: Bearer $TOKEN\" {daemon}api/v1/stacks/{story.Name}/resume", commands);

        await watch.AssertNoHorizontalOverflowAsync();
        await watch.ScreenshotAsync("daemon-stack");
        watch.AssertClean();

        // The commands do what they say, pasted as they are: the reconcile request is accepted (and never lifts the
        // hold), the timeline command prints the rollback.
        var reconcile = commands.Single(c => c.EndsWith("/reconcile", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Post, reconcile.Split(' ')[^1]);
        request.Headers.Authorization = new("Bearer", ReconcileScenario.ApiToken);
        using var accepted = await story.Daemon.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        var timelineCommand = commands.Single(c => c.Contains(" --events ", StringComparison.Ordinal)).Split(' ');
        Assert.Equal("sprocket-reconciler", timelineCommand[0]);
        var printed = await ReconcilerCommand.RunAsync(timelineCommand[1..]);
        Assert.True(printed.ExitCode == 0 && printed.StandardOutput.Contains("emergency-rollback", StringComparison.Ordinal), printed.ToString());
        Assert.Equal("held", (await story.Scenario.GetAsync()).Status);
    }
}
