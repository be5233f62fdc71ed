using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sprocket.Reconciler.Apply.Pulumi;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.Host.Tests.Apply.Pulumi;

/// <summary>
/// <c>Reconciler:GitHub:Token</c> belongs to the desired-state repository's host. A <c>pulumi.program.repository</c>
/// on any other host (or port) that answers 401 must not be handed it: real libgit2 against a server that records
/// the Authorization headers it received.
/// </summary>
public sealed class ProgramCredentialScopeTests : IAsyncLifetime
{
    private readonly string _token = "ghs_" + Guid.NewGuid().ToString("N");
    private readonly ScratchDirectory _scratch = new();
    private UnauthorizedRecorder _elsewhere = null!;

    public async Task InitializeAsync() => _elsewhere = await UnauthorizedRecorder.StartAsync();

    public static TheoryData<string> DesiredStateOnAnotherOrigin => new()
    {
        "https://git.example.org/team/desired.git", // another host name
        "http://127.0.0.1:1/desired.git",            // the same host, another port
    };

    [Theory]
    [MemberData(nameof(DesiredStateOnAnotherOrigin))]
    public async Task A_program_host_other_than_the_desired_state_host_never_receives_the_token(string desiredStateRepository)
    {
        var checkout = Checkout(desiredStateRepository);
        var program = new Uri(_elsewhere.BaseAddress, "program.git").AbsoluteUri;

        var failed = Assert.IsType<ProgramCheckoutResult.Failed>(
            await checkout.PrepareAsync(PulumiStacks.Stack(program), CancellationToken.None));

        Assert.True(_elsewhere.Requests > 0, "libgit2 never asked the other host, so nothing was exercised");
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{GitCredentials.GitHubTokenUserName}:{_token}"));
        Assert.All(_elsewhere.Authorizations, header =>
        {
            Assert.DoesNotContain(basic, header, StringComparison.Ordinal);
            Assert.DoesNotContain(_token, header, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(_token, failed.Message, StringComparison.Ordinal);
        // The operator learns why the program's host got nothing, rather than just "401".
        Assert.Contains("Reconciler:GitHub:Token is offered only to the desired-state repository's host", failed.Message, StringComparison.Ordinal);
        Assert.Equal(ApplyOutcome.Misconfigured, failed.Outcome);
    }

    [Fact]
    public async Task A_program_on_the_desired_state_host_is_offered_the_token()
    {
        // The control: the recorder would see the token if it were offered, so the test above can fail.
        var checkout = Checkout(new Uri(_elsewhere.BaseAddress, "desired.git").AbsoluteUri);

        await checkout.PrepareAsync(PulumiStacks.Stack(new Uri(_elsewhere.BaseAddress, "program.git").AbsoluteUri), CancellationToken.None);

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{GitCredentials.GitHubTokenUserName}:{_token}"));
        Assert.Contains($"Basic {basic}", _elsewhere.Authorizations);
    }

    // Built by the container from configuration, as the daemon builds it.
    private PulumiProgramCheckout Checkout(string desiredStateRepository)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reconciler:DesiredState:Repository"] = desiredStateRepository,
            ["Reconciler:DataDirectory"] = _scratch.Combine("data"),
            ["Reconciler:GitHub:Token"] = _token,
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.ClearProviders())
            .AddDesiredStateSource(configuration)
            .AddPulumiApplyEngine(configuration)
            .BuildServiceProvider();
        return services.GetRequiredService<PulumiProgramCheckout>();
    }

    public async Task DisposeAsync()
    {
        await _elsewhere.DisposeAsync();
        _scratch.Dispose();
    }
}
