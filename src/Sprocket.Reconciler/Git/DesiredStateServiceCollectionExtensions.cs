using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
        services.AddOptions<DesiredStateOptions>()
            .Bind(configuration.GetSection(DesiredStateOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DesiredStateOptions>, DesiredStateOptionsValidator>());

        services.AddOptions<ReconcilerPathsOptions>()
            .Bind(configuration.GetSection(ReconcilerPathsOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcilerPathsOptions>, ReconcilerPathsOptionsValidator>());

        services.AddOptions<GitHubOptions>()
            .Bind(configuration.GetSection(GitHubOptions.SectionName))
            .ValidateOnStart();

        services.AddMetrics();
        services.TryAddSingleton<DesiredStateMetrics>();
        services.TryAddSingleton<IDesiredStateSource, GitDesiredStateSource>();
        return services;
    }
}
