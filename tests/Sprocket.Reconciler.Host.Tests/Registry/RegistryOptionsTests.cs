using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Host.Tests.Registry;

public sealed class RegistryOptionsTests
{
    [Fact]
    public void Options_bind_from_Reconciler_Registry_with_the_documented_defaults()
    {
        var options = Bind(new()
        {
            ["Reconciler:Registry:Insecure:0"] = "registry.lan:5000",
            ["Reconciler:Registry:Credentials:ghcr.io:Username"] = "bot",
            ["Reconciler:Registry:Credentials:ghcr.io:Password"] = "pat",
            ["Reconciler:Registry:Credentials:local:Host"] = "127.0.0.1:5000",
            ["Reconciler:Registry:Credentials:local:Username"] = "ci",
            ["Reconciler:Registry:Credentials:local:Password"] = "pw",
        });

        Assert.Equal(TimeSpan.FromMinutes(10), options.TagRecheckInterval);
        Assert.Equal(["registry.lan:5000"], options.Insecure);
        Assert.Equal("bot", options.CredentialFor("GHCR.io")?.Username);
        Assert.Equal("ci", options.CredentialFor("127.0.0.1:5000")?.Username);
        Assert.Null(options.CredentialFor("127.0.0.1:5001"));
    }

    [Fact]
    public void Invalid_options_fail_at_start_listing_every_problem_without_any_secret()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Reconciler:Registry:TagRecheckInterval"] = "00:00:00",
            ["Reconciler:Registry:Credentials:ghcr.io:Password"] = "hunter2-secret",
        }));

        Assert.Contains(failure.Failures, f => f.Contains("TagRecheckInterval", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("Credentials:ghcr.io:Username", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2-secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_never_prints_its_password()
    {
        var credential = new RegistryCredential { Username = "bot", Password = "hunter2-secret" };

        Assert.DoesNotContain("hunter2-secret", credential.ToString(), StringComparison.Ordinal);
    }

    private static RegistryOptions Bind(Dictionary<string, string?> settings)
    {
        settings["Reconciler:DataDirectory"] = Path.GetTempPath();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddRegistry(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<RegistryOptions>>().Value;
    }
}
