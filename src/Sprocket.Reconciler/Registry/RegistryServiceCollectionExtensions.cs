using Microsoft.Extensions.DependencyInjection.Extensions;
using Sprocket.Reconciler.State;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Registry;

public static class RegistryServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IRegistryClient"/>, <see cref="ITagResolver"/> (the cached, ledger-backed
    /// resolver the loop should use) and, through <see cref="StateServiceCollectionExtensions.AddStateDatabase"/>,
    /// the <see cref="DigestLedger"/>. Options come from <c>Reconciler:Registry</c> and are validated at start.
    /// </summary>
    public static IServiceCollection AddRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RegistryOptions, RegistryOptionsValidator>(configuration, RegistryOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddStateDatabase(configuration);

        services.AddHttpClient(RegistryClient.HttpClientName, http =>
        {
            http.DefaultRequestHeaders.UserAgent.ParseAdd("sprocket-reconciler");
            // Manifests are capped at 4 MiB by Distribution; anything far larger is not a manifest.
            http.MaxResponseContentBufferSize = 8 * 1024 * 1024;
        })
        // The factory's own request logging is removed, not just redacted: RedactLoggedHeaders only
        // masks the rendered message, while the structured state of its Trace "Request Headers" entry
        // still carries the raw Authorization value (Basic credentials, Bearer token), which a JSON or
        // OpenTelemetry log exporter would ship. Log.cs says what happened instead.
        .RemoveAllLoggers();
        services.TryAddSingleton<RegistryTokenCache>();
        services.TryAddSingleton<IRegistryClient, RegistryClient>();
        services.TryAddSingleton<ITagResolver, CachingTagResolver>();
        return services;
    }
}
