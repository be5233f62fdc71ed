using System.CommandLine;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Http;
using Sprocket.Reconciler.StatusPages;

namespace Sprocket.Reconciler.Cli;

/// <summary><c>run</c>: the daemon — poll git, follow Swarm events, serve the API, the page and /metrics.</summary>
public static class RunCommand
{
    private const string DefaultUrls = "http://0.0.0.0:8080";

    public static Command Create()
    {
        var command = new Command("run", "Run the daemon (the default). Options such as --urls http://127.0.0.1:8080 or " +
            "--Reconciler:DesiredState:Repository=URL are passed to .NET configuration.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result.UnmatchedTokens.ToArray(), cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] hostArgs, CancellationToken cancellationToken)
    {
        try
        {
            return await RunCheckedAsync(hostArgs, cancellationToken);
        }
        catch (Exception ex) when (ConfigurationProblem.Describe(ex) is { } problem)
        {
            // Composition reads some sections itself (which notifiers exist, the poll schedule), so a bad value can
            // surface before the host runs as well as while it starts.
            return await ConfigurationProblem.ReportAsync(Console.Error, problem);
        }
    }

    private static async Task<int> RunCheckedAsync(string[] hostArgs, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(ConfigurationLayers.ForWebApplication(hostArgs));
        ConfigurationLayers.AddConfigurationDirectory(builder.Configuration);
        if (ConfigurationCheck.FirstProblem(builder.Configuration, needsDataDirectory: true) is { } problem)
            return await ConfigurationProblem.ReportAsync(Console.Error, problem);
        if (!ChoosesItsOwnAddresses(builder.Configuration))
            builder.WebHost.UseUrls(DefaultUrls);
        builder.Services.AddDataProtection().AddKeyManagementOptions(options => options.XmlRepository = new InMemoryKeyRepository());
        // Its "No XML encryptor configured, key may be persisted to storage in unencrypted form" is about storage,
        // and these keys are never stored anywhere but in this process's memory.
        builder.Logging.AddFilter(typeof(XmlKeyManager).FullName, LogLevel.Error);
        builder.Services.AddReconcilerDaemon(builder.Configuration);

        await using var app = builder.Build();
        // Validated here rather than inside StartAsync, which would log each failure with its stack trace first.
        app.Services.GetService<IStartupValidator>()?.Validate();
        try
        {
            // Opened here, not by the first service that needs it: an unusable file is one line and exit 2, not a trace.
            app.Services.GetRequiredService<State.StateDatabase>();
        }
        catch (State.StateDatabaseUnusableException unusable)
        {
            await Console.Error.WriteLineAsync("sprocket-reconciler: " + unusable.Message.ReplaceLineEndings(" "));
            return ExitCodes.InvalidOrUnreachable;
        }
        // Before the endpoints: it answers the webhook deliveries past GitHubWebhookConcurrency.InFlight.
        app.UseRateLimiter();
        app.MapReconcilerApi();
        app.MapStatusPages();
        app.MapGitHubWebhook();
        app.MapStackActions();
        app.MapPrometheusScrapingEndpoint("/metrics");
        await app.RunAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Whether the configuration already says where to listen: <c>urls</c>, or <c>http_ports</c>/<c>https_ports</c>
    /// (ASPNETCORE_HTTP_PORTS=8080 is set by the official .NET images). Adding the default URL on top of ports would
    /// override them and make ASP.NET Core warn about it at every start.
    /// </summary>
    private static bool ChoosesItsOwnAddresses(IConfiguration configuration) =>
        new[] { "urls", "http_ports", "https_ports" }.Any(key => !string.IsNullOrEmpty(configuration[key]));
}
