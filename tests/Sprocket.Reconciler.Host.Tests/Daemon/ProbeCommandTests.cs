using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sprocket.Reconciler.Cli;

namespace Sprocket.Reconciler.Host.Tests.Daemon;

/// <summary><c>probe</c> run in-process against a real Kestrel on loopback that answers 200, 503, or never.</summary>
public sealed class ProbeCommandTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private string _root = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapGet("/healthz", () => Results.Text("Healthy"));
        _server.MapGet("/readyz", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        _server.MapGet("/hangs", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return Results.Ok();
        });
        await _server.StartAsync();
        _root = _server.Urls.Single().TrimEnd('/');
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_2xx_answer_exits_0()
    {
        var (exit, output, errors) = await ProbeAsync($"{_root}/healthz");

        Assert.True(exit == ExitCodes.Ok, errors);
        Assert.Equal($"{_root}/healthz: 200 OK\n", output);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_503_exits_1_naming_the_status()
    {
        var (exit, _, errors) = await ProbeAsync($"{_root}/readyz");

        Assert.Equal(ExitCodes.Unhealthy, exit);
        Assert.Equal($"sprocket-reconciler probe: {_root}/readyz: 503 Service Unavailable\n", errors);
    }

    [Fact]
    public async Task Nothing_listening_exits_1_with_connection_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exit, _, errors) = await ProbeAsync($"http://127.0.0.1:{port}/healthz");

        Assert.Equal(ExitCodes.Unhealthy, exit);
        Assert.Equal($"sprocket-reconciler probe: http://127.0.0.1:{port}/healthz: connection refused\n", errors);
    }

    [Fact]
    public async Task A_server_that_never_answers_exits_1_once_the_timeout_is_over()
    {
        var (exit, _, errors) = await ProbeAsync($"{_root}/hangs", "300ms");

        Assert.Equal(ExitCodes.Unhealthy, exit);
        Assert.Equal($"sprocket-reconciler probe: {_root}/hangs: timeout, no answer within 0.3 s\n", errors);
    }

    [Theory]
    [InlineData("healthz", "--url must be an absolute http:// or https:// address such as http://127.0.0.1:8080/healthz, not 'healthz'")]
    [InlineData("ftp://127.0.0.1/healthz", "--url must be an absolute http:// or https:// address")]
    public async Task A_bad_url_is_a_usage_error(string url, string message)
    {
        var (exit, output, errors) = await ProbeAsync(url);

        Assert.Equal(ExitCodes.Unhealthy, exit);
        Assert.StartsWith("sprocket-reconciler probe: " + message, errors, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("2h")]
    [InlineData("soon")]
    public async Task A_bad_timeout_is_a_usage_error(string timeout)
    {
        var (exit, _, errors) = await ProbeAsync($"{_root}/healthz", timeout);

        Assert.Equal(ExitCodes.Unhealthy, exit);
        Assert.StartsWith("sprocket-reconciler probe: --timeout must be a positive duration", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_reaches_probe_with_its_defaults_and_options()
    {
        var defaults = ReconcilerCli.Create().Parse(["probe"]);
        var given = ReconcilerCli.Create().Parse(["probe", "--url", "http://10.0.0.5:8080/healthz", "--timeout", "2s"]);
        var unknown = ReconcilerCli.Create().Parse(["probe", "--bogus"]);

        Assert.Empty(defaults.Errors);
        Assert.Equal((ProbeCommand.DefaultUrl, "5s"), (defaults.GetValue<string>("--url"), defaults.GetValue<string>("--timeout")));
        Assert.Equal(TimeSpan.FromSeconds(5), CommandLineDuration.Parse(defaults.GetValue<string>("--timeout")!));
        Assert.Equal(("http://10.0.0.5:8080/healthz", "2s"), (given.GetValue<string>("--url"), given.GetValue<string>("--timeout")));
        // The root passes unknown tokens on (to .NET configuration, for run); probe's action refuses them with exit 1.
        Assert.Equal(["--bogus"], unknown.UnmatchedTokens);
        Assert.Equal(ProbeCommand.Name, unknown.CommandResult.Command.Name);
    }

    private static async Task<(int Exit, string Output, string Errors)> ProbeAsync(string url, string timeout = "5s")
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var errors = new StringWriter { NewLine = "\n" };
        var exit = await ProbeCommand.RunAsync(url, timeout, output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }
}
