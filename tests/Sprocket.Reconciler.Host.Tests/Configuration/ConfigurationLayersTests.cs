using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using Sprocket.Reconciler.Cli;
using Sprocket.Reconciler.Hosting;

namespace Sprocket.Reconciler.Host.Tests.Configuration;

/// <summary>
/// The order the daemon reads its settings in: appsettings beside the binary, then the configuration directory's
/// <c>*.json</c> in ordinal name order, then environment variables, then the command line.
/// </summary>
public sealed class ConfigurationLayersTests : IDisposable
{
    private const string Key = "SprocketLayersTest:Value";
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public void Directory_files_layer_in_ordinal_order_under_the_environment_and_the_command_line()
    {
        Write("20-secrets.json", """{ "SprocketLayersTest": { "Value": "secrets", "OnlyInSecrets": "s" } }""");
        Write("10-settings.json", """{ "SprocketLayersTest": { "Value": "settings", "OnlyInSettings": "t" } }""");
        // Ordinal: digits, then capitals, then small letters; a culture's order would put "a-…" before "Z-…".
        Write("Z-last-by-culture-first-by-ordinal.json", """{ "SprocketLayersTest": { "Value": "Z" } }""");
        Write("a-after-Z.json", """{ "SprocketLayersTest": { "Value": "a" } }""");
        Write("not-json.yaml", "SprocketLayersTest:\n  Value: yaml\n");

        Assert.Equal("a", Build([])[Key]);
        Assert.Equal("s", Build([])["SprocketLayersTest:OnlyInSecrets"]);
        Assert.Equal("t", Build([])["SprocketLayersTest:OnlyInSettings"]);

        var variable = "SprocketLayersTest__Value";
        System.Environment.SetEnvironmentVariable(variable, "environment");
        try
        {
            Assert.Equal("environment", Build([])[Key]);
            Assert.Equal("command-line", Build([$"--{Key}=command-line"])[Key]);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Directory_files_win_over_the_shipped_appsettings()
    {
        // Logging:LogLevel:Microsoft.AspNetCore is Warning in the shipped appsettings.json beside the binary.
        Assert.Equal("Warning", Build([])["Logging:LogLevel:Microsoft.AspNetCore"]);
        Write("10-settings.json", """{ "Logging": { "LogLevel": { "Microsoft.AspNetCore": "Debug" } } }""");

        Assert.Equal("Debug", Build([])["Logging:LogLevel:Microsoft.AspNetCore"]);
    }

    [Fact]
    public void The_content_root_is_the_binary_folder_whatever_the_working_directory()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(ConfigurationLayers.ForHost([]));
        var web = WebApplication.CreateBuilder(ConfigurationLayers.ForWebApplication([]));

        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(builder.Environment.ContentRootPath));
        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(web.Environment.ContentRootPath));
    }

    [Fact]
    public void A_missing_directory_adds_nothing()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(ConfigurationLayers.ForHost([]));
        var before = builder.Configuration.Sources.Count;

        ConfigurationLayers.AddConfigurationDirectory(builder.Configuration, _scratch.Combine("absent"));

        Assert.Equal(before, builder.Configuration.Sources.Count);
    }

    [Fact]
    public void The_directory_is_the_variable_when_set_and_etc_otherwise()
    {
        Assert.Equal("/run/cfg", ConfigurationLayers.Directory(name => name == ConfigurationLayers.DirectoryVariable ? "/run/cfg" : null));
        Assert.Equal("/etc/sprocket-reconciler", ConfigurationLayers.Directory(_ => ""));
        Assert.Equal("/etc/sprocket-reconciler", ConfigurationLayers.Directory(_ => null));
    }

    [Fact]
    public void A_file_that_is_not_json_is_one_line_naming_file_and_line_and_none_of_its_text()
    {
        const string secret = "hunter2-do-not-print";
        Write("20-secrets.json", "{\n  \"Reconciler\": {\n    \"GitHub\": { \"Token\": \"" + secret + "\" ,, }\n  }\n}\n");

        var exception = Record.Exception(() => Build([]));
        var problem = ConfigurationProblem.Describe(exception!);

        Assert.Equal($"Failed to load configuration from file '{_scratch.Combine("20-secrets.json")}': not valid JSON at line 3, byte 50", problem); // the second comma
        Assert.DoesNotContain(secret, exception!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_cannot_be_opened_is_one_line_naming_it()
    {
        // Root reads any mode, so a dangling link stands in for a secret mounted for another uid: both fail at open.
        File.CreateSymbolicLink(_scratch.Combine("20-secrets.json"), _scratch.Combine("gone", "secrets.json"));

        var problem = ConfigurationProblem.Describe(Record.Exception(() => Build([]))!);

        Assert.NotNull(problem);
        Assert.StartsWith($"Failed to load configuration from file '{_scratch.Combine("20-secrets.json")}': ", problem);
    }

    private IConfiguration Build(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(ConfigurationLayers.ForHost(args));
        ConfigurationLayers.AddConfigurationDirectory(builder.Configuration, _scratch.Root);
        return builder.Configuration;
    }

    private void Write(string name, string text) => File.WriteAllText(_scratch.Combine(name), text);

    public void Dispose() => _scratch.Dispose();
}
