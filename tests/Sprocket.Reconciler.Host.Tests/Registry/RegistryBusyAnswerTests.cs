using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.Registry;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.Host.Tests.Registry;

/// <summary>A registry that is busy or failing says nothing about the tag: the answer must be transient (retried, never
/// invalid), and a 429's Retry-After must reach the policy.</summary>
public sealed class RegistryBusyAnswerTests
{
    private const string Path = "/v2/sprocketbot/web/manifests/git-abcdef0";

    [Fact]
    public async Task A_429_is_rate_limited_and_carries_its_Retry_After()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingHead().WithPath(Path))
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7"));
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync($"127.0.0.1:{server.Port}/sprocketbot/web", "git-abcdef0", CancellationToken.None);

        Assert.Equal(RegistryFailureKind.RateLimited, resolution.Failure);
        Assert.True(resolution.Transient);
        Assert.Equal(TimeSpan.FromSeconds(7), resolution.RetryAfter);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_server_error_is_an_outage_not_a_verdict_on_the_tag(int status)
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingHead().WithPath(Path)).RespondWith(Response.Create().WithStatusCode(status));
        using var host = new RegistryTestHost(new Dictionary<string, string?>());

        var resolution = await host.Client.ResolveAsync($"127.0.0.1:{server.Port}/sprocketbot/web", "git-abcdef0", CancellationToken.None);

        Assert.Equal(RegistryFailureKind.Unreachable, resolution.Failure);
        Assert.True(resolution.Transient);
    }

    [Fact]
    public void A_circuit_cool_down_must_be_positive()
    {
        var validator = new ReconcilerOptionsValidator();
        Assert.True(validator.Validate(null, new ReconcilerOptions { DataDirectory = "/d" }).Succeeded);
        var refused = validator.Validate(null, new ReconcilerOptions { DataDirectory = "/d", CircuitCoolDown = TimeSpan.Zero });
        Assert.True(refused.Failed);
        Assert.Contains("Reconciler:CircuitCoolDown", refused.FailureMessage);
    }
}
