using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>Real libgit2 against a plain-http server off the loopback interface that answers 401.</summary>
public sealed class PlainHttpTokenTests
{
    [Fact]
    public async Task The_token_is_never_sent_over_plain_http_to_a_host_off_this_machine()
    {
        // This machine's own non-loopback address stands in for a remote host: the request crosses a network interface.
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .First(ip => ip.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(ip));
        await using var server = await UnauthorizedRecorder.StartAsync(address);
        var token = "ghs_" + Guid.NewGuid().ToString("N");
        using var scratch = new ScratchDirectory();
        using var sut = SourceUnderTest.Create(new Uri(server.BaseAddress, "desired.git").AbsoluteUri, scratch.Combine("data"), token: token);

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.Authentication);

        Assert.True(server.Requests > 0, "libgit2 never reached the server");
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{GitCredentials.GitHubTokenUserName}:{token}"));
        Assert.All(server.Authorizations, header => Assert.DoesNotContain(basic, header, StringComparison.Ordinal));
        Assert.Contains("not sent", failed.Message, StringComparison.Ordinal);
    }
}
