using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Hosting;

/// <summary>
/// The one way options are registered: bound from a section of the ROOT configuration and validated when the host
/// starts, so a bad value stops the start naming its key instead of failing the first request that reads it.
/// </summary>
public static class ValidatedOptionsServiceCollectionExtensions
{
    /// <summary>Binds <typeparamref name="TOptions"/> from <paramref name="section"/> and checks it with <typeparamref name="TValidator"/> at start.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(
        this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        // TryAddEnumerable: features that share options (the root keys) each add the validator, and it runs once.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddValidatedOptions<TOptions>(configuration, section);
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="section"/>, built at start so a value the binder
    /// refuses fails the start; any validator registered elsewhere for the same options runs then too.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(
        this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class =>
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
}
