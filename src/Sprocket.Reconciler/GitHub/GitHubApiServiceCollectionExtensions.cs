using Microsoft.Extensions.DependencyInjection.Extensions;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.GitHub;

public static class GitHubApiServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="GitHubApiOptions"/> bound from the ROOT <paramref name="configuration"/> and validated at start, and
    /// the one <see cref="GitHubClientFactory"/>. Both GitHub API users call this; a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddGitHubApi(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(GitHubClientFactory))) return services;
        services.AddValidatedOptions<GitHubApiOptions, GitHubApiOptionsValidator>(configuration, GitHubApiOptions.SectionName);
        services.TryAddSingleton(GitHubHttpTransport.Default);
        services.TryAddSingleton<GitHubClientFactory>();
        return services;
    }
}
