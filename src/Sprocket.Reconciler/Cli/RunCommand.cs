using System.CommandLine;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Http;

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
        var builder = WebApplication.CreateBuilder(hostArgs);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrls);
        builder.Services.AddReconcilerDaemon(builder.Configuration);

        await using var app = builder.Build();
        // Before the endpoints: it answers the webhook deliveries past GitHubWebhookConcurrency.InFlight.
        app.UseRateLimiter();
        app.MapReconcilerApi();
        app.MapStatusPage();
        app.MapGitHubWebhook();
        app.MapStackActions();
        app.MapPrometheusScrapingEndpoint("/metrics");
        try
        {
            await app.RunAsync(cancellationToken);
        }
        catch (Exception ex) when (ConfigurationProblem.Describe(ex) is { } problem)
        {
            await Console.Error.WriteLineAsync("sprocket-reconciler: configuration error: " + problem);
            return ExitCodes.InvalidOrUnreachable;
        }
        return ExitCodes.Ok;
    }
}
