using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.Apply.Pulumi;

public static class PulumiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>engine: pulumi</c> <see cref="IApplyEngine"/> (one of several: the loop picks by
    /// <see cref="IApplyEngine.Engine"/>) with <c>Reconciler:Pulumi</c>, validated at start, plus the
    /// <c>Reconciler:DataDirectory</c> and <c>Reconciler:GitHub</c> options it shares with the desired-state clone,
    /// and the start-up refusal of a too-old CLI (<see cref="PulumiCliStartupCheck"/>).
    /// </summary>
    public static IServiceCollection AddPulumiApplyEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PulumiOptions>()
            .Bind(configuration.GetSection(PulumiOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PulumiOptions>, PulumiOptionsValidator>());
        services.AddOptions<ReconcilerPathsOptions>()
            .Bind(configuration.GetSection(ReconcilerPathsOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReconcilerPathsOptions>, ReconcilerPathsOptionsValidator>());
        services.AddOptions<GitHubOptions>().Bind(configuration.GetSection(GitHubOptions.SectionName)).ValidateOnStart();
        // Read for the token's scope only (validated where the desired-state source is registered).
        services.AddOptions<DesiredStateOptions>().Bind(configuration.GetSection(DesiredStateOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PulumiCli>();
        services.TryAddSingleton<PulumiProgramCheckout>();
        services.TryAddSingleton<PulumiApplyEngine>();
        services.AddSingleton<IApplyEngine>(provider => provider.GetRequiredService<PulumiApplyEngine>());
        services.AddHostedService<PulumiCliStartupCheck>();
        return services;
    }
}
