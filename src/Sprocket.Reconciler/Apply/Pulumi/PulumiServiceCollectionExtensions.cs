using Microsoft.Extensions.DependencyInjection.Extensions;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Hosting;

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
        services.AddValidatedOptions<PulumiOptions, PulumiOptionsValidator>(configuration, PulumiOptions.SectionName);
        services.AddValidatedOptions<ReconcilerOptions, ReconcilerOptionsValidator>(configuration, ReconcilerOptions.SectionName);
        services.AddValidatedOptions<GitHubOptions>(configuration, GitHubOptions.SectionName);
        // Read for the token's scope only: its validator is added where the desired-state source is registered.
        services.AddValidatedOptions<DesiredStateOptions>(configuration, DesiredStateOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PulumiCli>();
        services.TryAddSingleton<PulumiProgramCheckout>();
        services.TryAddSingleton<PulumiApplyEngine>();
        services.AddSingleton<IApplyEngine>(provider => provider.GetRequiredService<PulumiApplyEngine>());
        services.AddHostedService<PulumiCliStartupCheck>();
        return services;
    }
}
