using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.IntegrationTests.Configuration;

/// <summary>
/// Where the built binary reads its settings, seen from its refusals (no Swarm needed): the shipped appsettings.json
/// beside it from any working directory, the configuration directory above it, environment variables and the command
/// line above that. A bad value that wins is the one the refusal names, so each refusal shows which layer won.
/// </summary>
public sealed class ConfigurationDirectoryTests : IDisposable
{
    private const string PollInterval = "Reconciler:DesiredState:PollInterval";
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task The_shipped_appsettings_loads_from_another_working_directory_and_its_data_folder_is_relative_to_it()
    {
        // The shipped appsettings.json says DataDirectory "data"; a file of that name in the working directory blocks it.
        var working = Directory.CreateDirectory(_scratch.Combine("elsewhere")).FullName;
        await File.WriteAllTextAsync(Path.Combine(working, "data"), "not a folder\n");

        var result = await ConfigurationRun.RunAsync(working,
            ["run", "--urls", "http://127.0.0.1:0", $"--Reconciler:DesiredState:Repository={_scratch.Combine("desired")}"], NoDirectory());

        var line = ConfigurationRun.AssertRefused(result, "Reconciler:DataDirectory");
        Assert.Contains($"'{Path.Combine(working, "data")}' cannot be a folder", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_files_win_over_appsettings_in_name_order_and_lose_to_environment_and_command_line()
    {
        var directory = Directory.CreateDirectory(_scratch.Combine("etc")).FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "20-secrets.json"), Setting("from-20-secrets"));
        await File.WriteAllTextAsync(Path.Combine(directory, "10-settings.json"), Setting("from-10-settings"));
        var layers = new Dictionary<string, string?> { [ConfigurationLayers.DirectoryVariable] = directory };

        var fromDirectory = ConfigurationRun.AssertRefused(await ConfigurationRun.DaemonAsync(_scratch.Root, layers), PollInterval);
        layers["Reconciler__DesiredState__PollInterval"] = "from-environment";
        var fromEnvironment = ConfigurationRun.AssertRefused(await ConfigurationRun.DaemonAsync(_scratch.Root, layers), PollInterval);
        var fromCommandLine = ConfigurationRun.AssertRefused(
            await ConfigurationRun.DaemonAsync(_scratch.Root, layers, $"{PollInterval}=from-command-line"), PollInterval);

        Assert.Contains("'from-20-secrets'", fromDirectory, StringComparison.Ordinal);
        Assert.Contains("'from-environment'", fromEnvironment, StringComparison.Ordinal);
        Assert.Contains("'from-command-line'", fromCommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_file_that_is_not_json_is_refused_naming_file_and_line_without_its_text()
    {
        const string secret = "ghp_do-not-print-this-token";
        var directory = Directory.CreateDirectory(_scratch.Combine("etc")).FullName;
        var file = Path.Combine(directory, "20-secrets.json");
        await File.WriteAllTextAsync(file, "{\n  \"Reconciler\": {\n    \"GitHub\": { \"Token\": \"" + secret + "\" }\n    \"Api\": {}\n  }\n}\n");

        var result = await ConfigurationRun.DaemonAsync(_scratch.Root,
            new Dictionary<string, string?> { [ConfigurationLayers.DirectoryVariable] = directory });

        var line = ConfigurationRun.AssertRefused(result, file);
        Assert.Contains("not valid JSON at line 4", line, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, result.ToString(), StringComparison.Ordinal);
    }

    private static string Setting(string pollInterval) => $$"""{ "Reconciler": { "DesiredState": { "PollInterval": "{{pollInterval}}" } } }""";

    /// <summary>Pointed at a folder that does not exist, so a /etc/sprocket-reconciler on the test machine cannot interfere.</summary>
    private Dictionary<string, string?> NoDirectory() => new() { [ConfigurationLayers.DirectoryVariable] = _scratch.Combine("no-such-folder") };

    public void Dispose() => _scratch.Dispose();
}
