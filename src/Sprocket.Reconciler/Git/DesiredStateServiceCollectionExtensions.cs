using Microsoft.Extensions.DependencyInjection.Extensions;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Git;

public static class DesiredStateServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDesiredStateSource"/> and its options, bound from the ROOT
    /// <paramref name="configuration"/>: <c>Reconciler:DesiredState</c>, <c>Reconciler:DataDirectory</c> and
    /// <c>Reconciler:GitHub:Token</c>. The first two are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddDesiredStateSource(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DesiredStateOptions, DesiredStateOptionsValidator>(configuration, DesiredStateOptions.SectionName);
        services.AddValidatedOptions<ReconcilerOptions, ReconcilerOptionsValidator>(configuration, ReconcilerOptions.SectionName);
        services.AddValidatedOptions<GitHubOptions>(configuration, GitHubOptions.SectionName);

        services.AddMetrics();
        services.TryAddSingleton<DesiredStateMetrics>();
        services.TryAddSingleton<IDesiredStateSource, GitDesiredStateSource>();
        return services;
    }
}
