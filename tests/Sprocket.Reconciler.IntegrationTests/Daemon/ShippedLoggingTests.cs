using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The daemon's logs with the shipped settings, not the test ones <see cref="DaemonProcess"/> sets: started from a
/// working directory that is not the binary's folder, as a container's or a unit's is, the appsettings.json beside the
/// binary must still keep health probes out of the log; and with the JSON console formatter every stdout line must
/// be one JSON object, with no secret in any of them.
/// </summary>
public sealed class ShippedLoggingTests
{
    private const string WebhookSecret = "whsec-Zq7-do-not-log";

    /// <summary>The test logging levels removed, so the shipped appsettings.json decides.</summary>
    private static Dictionary<string, string?> ShippedLevels() => new()
    {
        ["Logging__LogLevel__Microsoft.AspNetCore"] = null,
        ["Logging__LogLevel__Quartz"] = null,
    };

    [Fact]
    public async Task Health_probes_log_nothing_with_the_shipped_settings_from_another_working_directory()
    {
        var name = $"q{Guid.NewGuid():N}"[..12];
        await using var daemon = await DaemonProcess.StartAsync(AnchorYaml(name),
            [$"--Reconciler:GitHub:WebhookSecret={WebhookSecret}"], environment: ShippedLevels());

        for (var i = 0; i < 5; i++)
        {
            using var live = await daemon.GetAsync("healthz");
            using var ready = await daemon.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.True(ready.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"/readyz answered {ready.StatusCode}");
        }
        await LogBarrierAsync(daemon);

        // Information lines are printed in this run (the barrier proves the log is read up to after the probes)...
        Assert.True(daemon.Output.Count(line => line.Contains("info: Microsoft.Hosting.Lifetime", StringComparison.Ordinal)) > 0, daemon.Output.Tail());
        // ...but none of ASP.NET Core's per-request ones: appsettings.json beside the binary sets Microsoft.AspNetCore to Warning.
        Assert.True(daemon.Output.Count(line => line.Contains("info: Microsoft.AspNetCore", StringComparison.Ordinal)) == 0,
            "the probes were logged:\n" + daemon.Output.Tail());
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_stdout_line_and_show_no_secret()
    {
        var password = SecretCharacters.Password('@');
        const string apiToken = "api-Zq7-token-do-not-log";
        string[] secrets = [password, Uri.EscapeDataString(password), apiToken, WebhookSecret];
        using var scratch = new ScratchDirectory();
        // The secrets as the stack file mounts them: a JSON file in the configuration directory.
        Directory.CreateDirectory(scratch.Combine("etc"));
        await File.WriteAllTextAsync(scratch.Combine("etc", "20-secrets.json"), $$"""
            { "Reconciler": { "GitHub": { "WebhookSecret": "{{WebhookSecret}}" }, "Api": { "Token": "{{apiToken}}" } } }
            """);
        var environment = ShippedLevels();
        environment["Logging__Console__FormatterName"] = "json";
        environment[ConfigurationLayers.DirectoryVariable] = scratch.Combine("etc");

        var name = $"j{Guid.NewGuid():N}"[..12];
        var server = await GitHttpBackendServer.StartAsync("/", password);
        var serverRunning = true;
        var host = server.BaseAddress.Authority;
        string? clean = null;
        var daemon = await DaemonProcess.StartAsync(AnchorYaml(name), bareRemote: true, environment: environment,
            repositoryUrl: path =>
            {
                clean = $"http://{host}{path}";
                return $"http://{GitHttpBackendServer.UserName}:{password}@{host}{path}";
            });
        try
        {
            await daemon.WaitForRevisionAsync(name, daemon.InitialRevision);
            using (var forged = await daemon.SendAsync(Webhook("forged-delivery", "sha256=" + new string('0', 64))))
                Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
            using (var reconcile = new HttpRequestMessage(HttpMethod.Post, $"api/v1/stacks/{name}/reconcile"))
            {
                reconcile.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-" + apiToken);
                using var refused = await daemon.SendAsync(reconcile);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
            // The server goes away: the fetch failures are logged with the repository's address.
            await server.DisposeAsync();
            serverRunning = false;
            await Eventually.UntilValue(daemon.GetMetricsAsync,
                scrape => scrape.Find("sprocket_reconciler_desired_state_fetch_failures_total").Count > 0,
                DaemonProcess.DefaultWait, "a counted fetch failure");
            await LogBarrierAsync(daemon);
            await daemon.StopAsync();

            var lines = daemon.StandardOutput.Tail(2000).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var entries = lines.Select(Parse).ToList();
            Assert.Contains(entries, e => e.Category == "Microsoft.Hosting.Lifetime" && e.Message.StartsWith("Now listening on", StringComparison.Ordinal));
            Assert.Contains(entries, e => e.Message.Contains(clean!, StringComparison.Ordinal));
            Assert.Contains(entries, e => e.Message.Contains("forged-delivery", StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level == "Information");
            foreach (var secret in secrets)
                Assert.False(daemon.Output.Tail(2000).Contains(secret, StringComparison.Ordinal), $"'{secret}' logged:\n{daemon.Output.Tail()}");
        }
        finally
        {
            await daemon.DisposeAsync();
            if (serverRunning) await server.DisposeAsync();
        }
    }

    private static string AnchorYaml(string name) => DesiredStateYaml.Render(new DesiredStack(name, SeededImages.GitAaa,
        new DesiredService($"{TestEnvironment.Current.Registry}/{SeededImages.Web}", $"{name}-matches-nothing*")));

    private sealed record LogEntry(string Level, string Category, string Message);

    /// <summary>One stdout line as the JSON console formatter writes it; fails the test naming the line otherwise.</summary>
    private static LogEntry Parse(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            Assert.Equal(JsonValueKind.Object, root.ValueKind);
            return new LogEntry(root.GetProperty("LogLevel").GetString()!, root.GetProperty("Category").GetString()!, root.GetProperty("Message").GetString()!);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException)
        {
            throw new Xunit.Sdk.XunitException($"stdout line is not one JSON log object ({exception.Message}):\n{line}");
        }
    }

    /// <summary>
    /// An unsigned webhook delivery is logged (a warning naming its delivery id) after everything the test did before it,
    /// and the console logger writes in order: once its line is read, so is every line logged before.
    /// </summary>
    private static async Task LogBarrierAsync(DaemonProcess daemon)
    {
        var marker = $"barrier-{Guid.NewGuid():N}";
        using var request = Webhook(marker, signature: null);
        using var response = await daemon.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Eventually.Until(() => Task.FromResult(daemon.Output.Count(line => line.Contains(marker, StringComparison.Ordinal)) > 0),
            DaemonProcess.DefaultWait, "the barrier's log line");
    }

    private static HttpRequestMessage Webhook(string delivery, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/webhooks/github")
        {
            Content = new StringContent("""{"ref":"refs/heads/main"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", delivery);
        if (signature is not null) request.Headers.Add("X-Hub-Signature-256", signature);
        return request;
    }
}
