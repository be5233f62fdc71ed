using System.Net;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>The daemon process itself: it serves its surfaces once started and shuts down in order on SIGTERM.</summary>
public sealed class DaemonLifecycleTests
{
    [Fact]
    public async Task Serves_readiness_and_the_status_page_and_stops_cleanly_on_SIGTERM()
    {
        var environment = TestEnvironment.Current;
        var name = $"life-{Guid.NewGuid():N}"[..13];
        var daemon = await DaemonProcess.StartAsync(DesiredStateYaml.Render(new DesiredStack(name, SeededImages.GitAaa,
            new DesiredService($"{environment.Registry}/{SeededImages.Web}", $"{name}-matches-nothing*"))));
        try
        {
            await daemon.WaitForRevisionAsync(name, daemon.InitialRevision, s => s.Status == "drifted");

            using var ready = await daemon.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains(daemon.InitialRevision, await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var page = await daemon.GetAsync("");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains(name, html, StringComparison.Ordinal);
            Assert.Contains(daemon.InitialRevision, html, StringComparison.Ordinal);

            using var unknown = await daemon.GetAsync("api/v1/stacks/no-such-stack");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        finally
        {
            await daemon.DisposeAsync();
        }

        // SIGTERM lets the host stop its services in order and exit 0; a kill after the deadline would not.
        Assert.Equal(0, daemon.ExitCode);
        Assert.Contains("Application is shutting down", daemon.Output.Tail(), StringComparison.Ordinal);
    }
}
