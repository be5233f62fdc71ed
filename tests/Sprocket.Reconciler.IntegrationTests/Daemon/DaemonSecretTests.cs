using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The secret matrix end to end, through the real binary, for the characters that break URL parsers: a password
/// written raw into <c>DesiredState:Repository</c>, served over real git http (the server accepts only that
/// password), must show in none of the daemon's outputs — its log lines, <c>/metrics</c> (the
/// <c>repository</c> labels of the revision gauge and of the fetch-failure counter), the JSON API, <c>/readyz</c>,
/// the status page — nor in the start-up error of <c>run</c> or the message of <c>diff</c>. The pure matrix over
/// every printable character is <c>SecretMatrixTests</c> (fast lane, Host.Tests).
/// </summary>
public sealed class DaemonSecretTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public static TheoryData<char> Hostile => new() { ' ', '/', '#', '@', ':', '?', '\\' };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_password_in_the_repository_url_shows_in_no_output_of_the_daemon(char c)
    {
        var password = SecretCharacters.Password(c);
        var secrets = Forms(password);
        var environment = TestEnvironment.Current;
        var name = $"sec-{Guid.NewGuid():N}"[..12];
        // Root "/" so the daemon's bare repository, made in a fresh temporary directory, is served at its own path.
        var server = await GitHttpBackendServer.StartAsync("/", password);
        var serverRunning = true;
        var host = server.BaseAddress.Authority;
        string? clean = null;
        var daemon = await DaemonProcess.StartAsync(
            DesiredStateYaml.Render(new DesiredStack(name, SeededImages.GitAaa,
                new DesiredService($"{environment.Registry}/{SeededImages.Web}", $"{name}-matches-nothing*"))),
            bareRemote: true,
            repositoryUrl: path =>
            {
                clean = $"http://{host}{path}";
                return $"http://{GitHttpBackendServer.UserName}:{password}@{host}{path}";
            });
        try
        {
            await daemon.WaitForRevisionAsync(name, daemon.InitialRevision);
            var fetched = await daemon.GetMetricsAsync();
            Assert.NotEmpty(fetched.Find("sprocket_reconciler_desired_revision_info", ("repository", clean!)));

            // The server goes away: the next polls fail and are counted under the repository label.
            await server.DisposeAsync();
            serverRunning = false;
            var failing = await Eventually.UntilValue(daemon.GetMetricsAsync,
                scrape => scrape.Find("sprocket_reconciler_desired_state_fetch_failures_total").Count > 0,
                DaemonProcess.DefaultWait, "a counted fetch failure");
            Assert.All(failing.Find("sprocket_reconciler_desired_state_fetch_failures_total"),
                sample => Assert.Equal(clean, sample.Labels["repository"]));

            var shown = new List<string> { daemon.Output.Tail(2000) };
            using (var metrics = await daemon.GetAsync("metrics")) shown.Add(await metrics.Content.ReadAsStringAsync());
            foreach (var path in new[] { "readyz", "api/v1/stacks", $"api/v1/stacks/{name}", "" })
            {
                using var response = await daemon.GetAsync(path);
                shown.Add(await response.Content.ReadAsStringAsync());
            }
            Assert.Contains(shown, text => text.Contains(clean!, StringComparison.Ordinal));
            AssertShowsNone(secrets, shown);
        }
        finally
        {
            await daemon.DisposeAsync();
            if (serverRunning) await server.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task A_password_in_a_refused_url_shows_in_neither_the_start_up_error_nor_diff(char c)
    {
        var password = SecretCharacters.Password(c);
        string[] data = [$"--Reconciler:DataDirectory={_scratch.Combine("data")}"];

        var refused = await ReconcilerCommand.RunAsync(
            ["run", $"--Reconciler:DesiredState:Repository=ftp://operator:{password}@git.example.org/desired.git", .. data]);
        var port = Registry.DistributionRegistry.FreeLoopbackPort();
        var unreachable = await ReconcilerCommand.RunAsync(
            ["diff", $"--Reconciler:DesiredState:Repository=https://operator:{password}@127.0.0.1:{port}/desired.git", .. data]);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("ftp://git.example.org/desired.git", refused.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(0, unreachable.ExitCode);
        Assert.Contains($"https://127.0.0.1:{port}/desired.git", unreachable.ToString(), StringComparison.Ordinal);
        AssertShowsNone(Forms(password), [refused.ToString(), unreachable.ToString()]);
    }

    private static string[] Forms(string password) => [password, Uri.EscapeDataString(password)];

    private static void AssertShowsNone(string[] secrets, IEnumerable<string> shown)
    {
        foreach (var text in shown)
            foreach (var secret in secrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' shown in:\n{text}");
    }

    public void Dispose() => _scratch.Dispose();
}
