using System.CommandLine;
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
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrls);
        builder.Services.AddReconcilerDaemon(builder.Configuration);

        await using var app = builder.Build();
        // Validated here rather than inside StartAsync, which would log each failure with its stack trace first.
        app.Services.GetService<IStartupValidator>()?.Validate();
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
}
