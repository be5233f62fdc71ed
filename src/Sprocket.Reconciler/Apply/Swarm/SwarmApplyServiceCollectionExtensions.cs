using Microsoft.Extensions.DependencyInjection.Extensions;
using Sprocket.Reconciler.Registry;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Apply.Swarm;

public static class SwarmApplyServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SwarmApplyEngine"/> as one of the <see cref="IApplyEngine"/>s (the loop picks by
    /// <see cref="IApplyEngine.Engine"/>), with <see cref="SwarmApplyOptions"/> bound from <c>Reconciler:Swarm</c> of
    /// the ROOT <paramref name="configuration"/> and validated at start. It uses the shared <c>IDockerClient</c> and the
    /// registry credentials (<see cref="RegistryOptions"/>) registered by <c>AddReconcilerObservation</c>; call that too
    /// (without it the engine sends no registry credentials). Binding <see cref="RegistryOptions"/> a second time here
    /// is avoided on purpose: the binder appends to lists, so <c>Insecure</c> would hold every entry twice.
    /// </summary>
    public static IServiceCollection AddSwarmApplyEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SwarmApplyOptions, SwarmApplyOptionsValidator>(configuration, SwarmApplyOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApplyEngine, SwarmApplyEngine>());
        return services;
    }
}
