using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.IntegrationTests.Configuration;

/// <summary>
/// <c>probe</c> through the built binary, as a HEALTHCHECK runs it: a refused connection is exit 1 even beside a
/// settings file that would stop every other command (it reads no configuration), and arguments that do not parse are
/// exit 1 too (a HEALTHCHECK defines only 0 and 1) with one stderr line saying what is wrong, not System.CommandLine's
/// help text. Its answers to 200, 503 and silence are in the fast lane.
/// </summary>
public sealed class ProbeBinaryTests : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task A_refused_connection_is_exit_1_and_no_settings_file_is_read()
    {
        Directory.CreateDirectory(_scratch.Combine("etc"));
        await File.WriteAllTextAsync(_scratch.Combine("etc", "20-secrets.json"), "{ not json");
        var port = Registry.DistributionRegistry.FreeLoopbackPort();

        var result = await ConfigurationRun.RunAsync(_scratch.Root, ["probe", "--url", $"http://127.0.0.1:{port}/healthz", "--timeout", "2s"],
            new Dictionary<string, string?> { [ConfigurationLayers.DirectoryVariable] = _scratch.Combine("etc") });

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"sprocket-reconciler probe: http://127.0.0.1:{port}/healthz: connection refused\n", result.StandardError);
    }

    [Theory]
    [InlineData(new[] { "probe", "--url" }, "Required argument missing for option: '--url'")]
    [InlineData(new[] { "probe", "--url", "localhost:8080/healthz" }, "--url must be an absolute http:// or https:// address")]
    [InlineData(new[] { "probe", "--interval", "5s" }, "unknown argument '--interval 5s'")]
    public async Task Arguments_that_cannot_be_probed_are_exit_1_with_one_line(string[] arguments, string message)
    {
        var result = await ConfigurationRun.RunAsync(_scratch.Root, arguments);

        Assert.True(result.ExitCode == 1, result.ToString());
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("sprocket-reconciler probe: " + message, line, StringComparison.Ordinal);
    }

    public void Dispose() => _scratch.Dispose();
}
