using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Pulumi;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

public sealed class PulumiOptionsTests
{
    [Fact]
    public void Binds_reconciler_pulumi_with_its_environment_and_registers_the_engine()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reconciler:DataDirectory"] = "/var/lib/sprocket",
            ["Reconciler:Pulumi:Binary"] = "/opt/pulumi/pulumi",
            ["Reconciler:Pulumi:Environment:PULUMI_BACKEND_URL"] = "file:///state",
            ["Reconciler:Pulumi:Environment:PULUMI_CONFIG_PASSPHRASE"] = "s3cret-passphrase",
            ["Reconciler:Pulumi:UpTimeout"] = "00:45:00",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddPulumiApplyEngine(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PulumiOptions>>().Value;
        var engine = Assert.Single(provider.GetServices<IApplyEngine>());

        Assert.Equal("/opt/pulumi/pulumi", options.Binary);
        Assert.Equal("file:///state", options.Environment["PULUMI_BACKEND_URL"]);
        Assert.Equal("s3cret-passphrase", options.Environment["PULUMI_CONFIG_PASSPHRASE"]);
        Assert.Equal(TimeSpan.FromMinutes(45), options.UpTimeout);
        Assert.Equal("pulumi", engine.Engine);
    }

    [Fact]
    public void Rejects_every_bad_setting_at_once_without_echoing_values()
    {
        var options = new PulumiOptions
        {
            Binary = "bin/pulumi",
            Environment = { ["PATH"] = "/x", ["BAD=NAME"] = "s3cret-value" },
            UpTimeout = TimeSpan.Zero,
            HistoryPageSize = 0,
        };

        var result = new PulumiOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count());
        Assert.DoesNotContain("s3cret-value", result.FailureMessage);
    }

    [Fact]
    public void Defaults_are_valid() => Assert.True(new PulumiOptionsValidator().Validate(null, new PulumiOptions()).Succeeded);
}
