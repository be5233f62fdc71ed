using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.State;

public static class StateServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="StateDatabase"/> (opened and migrated on first use) and the stores
    /// kept in it. Safe to call more than once: features that need state call it themselves.
    /// </summary>
    public static IServiceCollection AddStateDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(StateDatabase)))
        {
            return services;
        }

        services.AddValidatedOptions<ReconcilerOptions, ReconcilerOptionsValidator>(configuration, ReconcilerOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => StateDatabase.Open(
            sp.GetRequiredService<IOptions<ReconcilerOptions>>().Value.DataDirectory,
            StateMigrations.All,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<StateDatabase>()));
        services.AddSingleton(sp => new DigestLedger(
            sp.GetRequiredService<StateDatabase>(),
            sp.GetRequiredService<ILogger<DigestLedger>>()));
        services.AddSingleton(sp => new StackEventLog(sp.GetRequiredService<StateDatabase>()));
        return services;
    }
}
