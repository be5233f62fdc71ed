using Microsoft.Extensions.DependencyInjection.Extensions;
using Sprocket.Reconciler.GitHub;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.WriteBack;

public static class WriteBackServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IWriteBack"/> (dispatching on <see cref="WriteBackRequest.Mode"/>) with
    /// <see cref="WriteBackOptions"/> (<c>Reconciler:WriteBack</c>) and the shared GitHub API client
    /// (<see cref="GitHubApiServiceCollectionExtensions.AddGitHubApi"/>) bound from the ROOT <paramref name="configuration"/>
    /// and validated at start.
    /// It reads <c>Reconciler:DesiredState</c>, <c>Reconciler:DataDirectory</c> and <c>Reconciler:GitHub:Token</c>
    /// through the options <c>AddDesiredStateSource</c> registers; call that too.
    /// </summary>
    public static IServiceCollection AddWriteBack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<WriteBackOptions, WriteBackOptionsValidator>(configuration, WriteBackOptions.SectionName);
        services.AddGitHubApi(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitCommitWriteBack>();
        services.TryAddSingleton<GitHubPullRequestWriteBack>();
        services.TryAddSingleton<IWriteBack, PolicyWriteBack>();
        return services;
    }
}
