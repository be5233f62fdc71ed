using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.Host.Tests.Git;

/// <summary>The desired-state settings are bound and validated when a real host starts.</summary>
public sealed class DesiredStateOptionsTests
{
    [Fact]
    public async Task Start_WithOnlyTheRequiredKeys_BindsTheDocumentedDefaults()
    {
        using var host = BuildHost(new() { ["Reconciler:DesiredState:Repository"] = "https://github.com/SprocketBot/desired-state.git" });

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<DesiredStateOptions>>().Value;
        await host.StopAsync();

        Assert.Equal(("main", "desired-state.yaml", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)),
            (options.Branch, options.Path, options.PollInterval, options.RemoteTimeout));
        Assert.IsAssignableFrom<IDesiredStateSource>(host.Services.GetRequiredService<IDesiredStateSource>());
    }

    [Theory]
    [InlineData("Repository", "", "Reconciler:DesiredState:Repository is required")]
    [InlineData("Repository", "ssh://git@github.com/SprocketBot/desired.git", "uses ssh")]
    [InlineData("Repository", "git@github.com:SprocketBot/desired.git", "scp-style ssh")]
    [InlineData("Repository", "ftp://example.invalid/desired.git", "is not an http(s), file:// or git:// URL")]
    [InlineData("Branch", "bad..name", "Reconciler:DesiredState:Branch 'bad..name'")]
    [InlineData("Branch", "", "Reconciler:DesiredState:Branch")]
    [InlineData("Path", "../outside.yaml", "Reconciler:DesiredState:Path '../outside.yaml'")]
    [InlineData("Path", "/absolute.yaml", "Reconciler:DesiredState:Path '/absolute.yaml'")]
    [InlineData("PollInterval", "00:00:00", "Reconciler:DesiredState:PollInterval must be greater than zero")]
    [InlineData("PollInterval", "-00:00:05", "Reconciler:DesiredState:PollInterval must be greater than zero")]
    [InlineData("RemoteTimeout", "00:00:00", "Reconciler:DesiredState:RemoteTimeout must be greater than zero")]
    [InlineData("RemoteTimeout", "02:00:00", "Reconciler:DesiredState:RemoteTimeout must be greater than zero and at most an hour")]
    public async Task Start_WithAnInvalidSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        using var host = BuildHost(new()
        {
            ["Reconciler:DesiredState:Repository"] = "https://github.com/SprocketBot/desired-state.git",
            [$"Reconciler:DesiredState:{key}"] = value,
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WithoutADataDirectory_Fails()
    {
        using var host = BuildHost(new() { ["Reconciler:DesiredState:Repository"] = "/srv/desired" }, dataDirectory: null);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, failure => failure.Contains("Reconciler:DataDirectory is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_WithCredentialsInTheRepositoryUrl_NeverEchoesThemInValidationErrors()
    {
        using var host = BuildHost(new() { ["Reconciler:DesiredState:Repository"] = "ftp://x-access-token:ghs_secretvalue@example.invalid/desired.git" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.DoesNotContain("ghs_secretvalue", error.Message);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings, string? dataDirectory = "/var/lib/sprocket-reconciler")
    {
        if (dataDirectory is not null)
            settings["Reconciler:DataDirectory"] = dataDirectory;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDesiredStateSource(builder.Configuration);
        return builder.Build();
    }
}
