using System.Net;
using Docker.DotNet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Apply.Swarm;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Host.Tests.Apply.Swarm;

/// <summary>The small pure parts of the swarm engine: labels, error classification, credentials, options.</summary>
public sealed class SwarmApplyPieceTests
{
    [Fact]
    public void Labels_are_added_to_the_existing_ones_without_changing_the_input()
    {
        var original = new Dictionary<string, string> { ["team"] = "web", [AppliedLabels.Tag] = "git-aaa1111" };

        var updated = AppliedLabels.With(original, "git-bbb2222", "abc123");

        Assert.Equal("web", updated["team"]);
        Assert.Equal("git-bbb2222", updated[AppliedLabels.Tag]);
        Assert.Equal("abc123", updated[AppliedLabels.Revision]);
        Assert.Equal("git-aaa1111", original[AppliedLabels.Tag]);
    }

    [Fact]
    public void The_applied_tag_is_known_only_when_every_service_names_the_same_one()
    {
        IDictionary<string, string> Labels(string? tag) => tag is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [AppliedLabels.Tag] = tag };

        Assert.Equal("git-bbb2222", AppliedLabels.Agreed([Labels("git-bbb2222"), Labels("git-bbb2222")]));
        Assert.Null(AppliedLabels.Agreed([Labels("git-bbb2222"), Labels("git-aaa1111")]));
        Assert.Null(AppliedLabels.Agreed([Labels("git-bbb2222"), Labels(null)]));
        Assert.Null(AppliedLabels.Agreed([Labels("git-bbb2222"), null]));
        Assert.Null(AppliedLabels.Agreed([]));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, """{"message":"rpc error: code = Unknown desc = update out of sequence"}""", true)]
    [InlineData(HttpStatusCode.Conflict, """{"message":"rpc error: code = Unknown desc = update out of sequence"}""", true)]
    [InlineData(HttpStatusCode.InternalServerError, """{"message":"rpc error: code = Unknown desc = something else"}""", false)]
    [InlineData(HttpStatusCode.NotFound, """{"message":"service x not found"}""", false)]
    public void Only_update_out_of_sequence_is_a_version_conflict(HttpStatusCode status, string body, bool conflict)
    {
        Assert.Equal(conflict, DockerErrors.IsVersionConflict(new DockerApiException(status, body)));
    }

    [Fact]
    public void Engine_errors_are_described_by_their_own_message_and_status()
    {
        Assert.Equal("service x not found (HTTP 404)", DockerErrors.Describe(new DockerApiException(HttpStatusCode.NotFound, """{"message":"service x not found"}""")));
        Assert.True(DockerErrors.IsNotFound(new DockerApiException(HttpStatusCode.NotFound, "")));
    }

    [Fact]
    public void Credentials_are_sent_for_the_image_host_including_its_port_and_only_for_it()
    {
        var options = new RegistryOptions();
        options.Credentials["private"] = new RegistryCredential { Host = "127.0.0.1:5556", Username = "sprocket", Password = "secret" };
        options.Credentials["ghcr.io"] = new RegistryCredential { Username = "bot", Password = "pat" };

        var local = RegistryAuthentication.For("127.0.0.1:5556/sprocketbot/web", options);
        var ghcr = RegistryAuthentication.For("ghcr.io/sprocketbot/web", options);

        Assert.Equal(("sprocket", "secret", "127.0.0.1:5556"), (local!.Username, local.Password, local.ServerAddress));
        Assert.Equal(("bot", "pat", "ghcr.io"), (ghcr!.Username, ghcr.Password, ghcr.ServerAddress));
        Assert.Null(RegistryAuthentication.For("127.0.0.1:5555/sprocketbot/web", options));
        Assert.Null(RegistryAuthentication.For("docker.io/library/busybox", options));
    }

    [Fact]
    public void Invalid_options_are_rejected_at_start_naming_the_keys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reconciler:Swarm:ConvergenceTimeout"] = "00:00:00",
            ["Reconciler:Swarm:PollInterval"] = "-00:00:01",
            ["Reconciler:Swarm:MaxVersionConflictRetries"] = "-1",
        }).Build();
        using var provider = new ServiceCollection().AddSwarmApplyEngine(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SwarmApplyOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("Reconciler:Swarm:ConvergenceTimeout", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Reconciler:Swarm:PollInterval", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Reconciler:Swarm:MaxVersionConflictRetries", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_are_five_minutes_a_quarter_second_and_three_retries_and_valid()
    {
        var options = new SwarmApplyOptions();

        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(250), 3), (options.ConvergenceTimeout, options.PollInterval, options.MaxVersionConflictRetries));
        Assert.True(new SwarmApplyOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void The_engine_registers_as_one_more_IApplyEngine_named_swarm()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(Sprocket.Reconciler.Docker.DockerClientFactory.Create(new Uri("unix:///tmp/unused.sock")));
        services.AddSwarmApplyEngine(configuration).AddSwarmApplyEngine(configuration);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var engine = Assert.Single(provider.GetServices<IApplyEngine>());
        Assert.Equal("swarm", engine.Engine);
    }
}
