using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// Checks every option value before anything is composed or started. Run first by each command, because the
/// alternatives all failed someone: a value read while composing crashed with a trace, one read lazily was
/// silently replaced by its default, and one read by a hosted service was logged as a 70-line start failure.
/// </summary>
public static class ConfigurationCheck
{
    /// <summary>The first problem as one line naming its key, or null when the configuration is usable.</summary>
    public static string? FirstProblem(IConfiguration configuration, bool needsDataDirectory)
    {
        foreach (var (section, optionsType) in OptionsSections.All)
        {
            foreach (var property in OptionsSections.BoundProperties(optionsType))
            {
                var key = $"{section}:{property.Name}";
                if (configuration[key] is { } raw && SettingValue.Problem(key, property.PropertyType, raw) is { } problem)
                    return problem;
            }

            // Nested values (registry credentials, Pulumi environment) are left to the binder; its message names the key.
            try
            {
                configuration.GetSection(section).Get(optionsType);
            }
            catch (InvalidOperationException ex) when (ConfigurationProblem.Describe(ex) is { } problem)
            {
                return problem;
            }
        }

        // Every value parsed above, so binding the root keys cannot throw here.
        return needsDataDirectory
            ? DataDirectoryProbe.Problem(configuration.GetSection(ReconcilerOptions.SectionName).Get<ReconcilerOptions>()?.DataDirectory)
            : null;
    }
}
