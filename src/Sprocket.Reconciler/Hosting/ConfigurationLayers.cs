using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;

namespace Sprocket.Reconciler.Hosting;

/// <summary>
/// Where the daemon's configuration comes from, in order (later wins): <c>appsettings.json</c> and
/// <c>appsettings.{Environment}.json</c> beside the binary, every <c>*.json</c> of the configuration directory in ordinal
/// file-name order, environment variables, the command line. The shipped defaults sit beside the binary so that they
/// apply wherever it is started from (a container's WORKDIR, a systemd unit, a shell); the directory is where an
/// operator mounts settings and secrets (a Swarm config and a secret as two files) without hiding those defaults.
/// </summary>
public static class ConfigurationLayers
{
    public const string DirectoryVariable = "SPROCKET_RECONCILER_CONFIG_DIR";
    public const string DefaultDirectory = "/etc/sprocket-reconciler";

    /// <summary>The directory of the binary, not the working directory, so the shipped appsettings.json always loads.</summary>
    public static string ContentRoot => AppContext.BaseDirectory;

    public static WebApplicationOptions ForWebApplication(string[] args) => new() { Args = args, ContentRootPath = ContentRoot };

    public static HostApplicationBuilderSettings ForHost(string[] args) => new() { Args = args, ContentRootPath = ContentRoot };

    /// <summary>The configuration directory: <see cref="DirectoryVariable"/> when set, else <see cref="DefaultDirectory"/>.</summary>
    public static string Directory(Func<string, string?> environment) =>
        environment(DirectoryVariable) is { Length: > 0 } named ? named : DefaultDirectory;

    /// <summary>Layers the configuration directory this process's environment names.</summary>
    public static void AddConfigurationDirectory(IConfigurationBuilder configuration) =>
        AddConfigurationDirectory(configuration, Directory(System.Environment.GetEnvironmentVariable));

    /// <summary>
    /// Layers the configuration directory's <c>*.json</c> files between the appsettings files and the environment
    /// variables. A missing directory adds nothing; a file that is not JSON fails the load, naming the file.
    /// </summary>
    public static void AddConfigurationDirectory(IConfigurationBuilder configuration, string directory)
    {
        if (!System.IO.Directory.Exists(directory)) return;
        var files = System.IO.Directory.GetFiles(directory, "*.json")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) return;

        var provider = new PhysicalFileProvider(Path.GetFullPath(directory), ExclusionFilters.None);
        var at = EnvironmentVariablesIndex(configuration.Sources);
        foreach (var file in files)
        {
            var source = new JsonConfigurationSource
            {
                FileProvider = provider,
                Path = file,
                Optional = false,
                // A Swarm secret or config never changes under a running task; a watcher would only cost an inotify handle.
                ReloadOnChange = false,
            };
            try
            {
                configuration.Sources.Insert(at++, source);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // .NET opens the file outside the guard that names it for a parse error, so a secret mounted for
                // another uid (or a dangling link) would end the daemon in a stack trace; give it the same one line.
                throw new InvalidDataException($"Failed to load configuration from file '{Path.Combine(provider.Root, file)}'.", ex);
            }
        }
    }

    /// <summary>The default builders end with the unprefixed environment variables, then the command line.</summary>
    private static int EnvironmentVariablesIndex(IList<IConfigurationSource> sources)
    {
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" }) return i;
        }
        return sources.Count;
    }
}
