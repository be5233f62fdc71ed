using System.Text.Json;
using Docker.DotNet.Models;
using Sprocket.Reconciler.Docker;

namespace Sprocket.Reconciler.Host.Tests.Docker;

/// <summary>
/// What the daemon's engine client puts in X-Registry-Auth, read off the wire: base64url, as the engine decodes it
/// (moby/moby api/pkg/authconfig/authconfig.go; daemon/cluster/executor/container/adapter.go in v20.10.24).
/// </summary>
public sealed class RegistryAuthHeaderTests : IAsyncLifetime
{
    // "?" (0x3F) and "~" (0x7E) runs make the standard base64 of any JSON holding them contain "/" and "+".
    private const string Password = "s3cret?????~~~~~";
    private string _directory = "";
    private RecordingEngine _engine = null!;

    public Task InitializeAsync()
    {
        // Short path: unix socket paths must fit in 108 bytes.
        _directory = Directory.CreateTempSubdirectory("rah").FullName;
        _engine = new RecordingEngine(Path.Combine(_directory, "e.sock"), """{"Warnings":[]}""");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ServiceUpdate_sends_the_credentials_as_base64url()
    {
        var auth = new AuthConfig { Username = "sprocket", Password = Password, ServerAddress = "127.0.0.1:5556" };
        Assert.True(RegistryAuthEncoding.StandardBase64HoldsPlusOrSlash(auth.Username, Password, auth.ServerAddress),
            "the test password must make standard base64 differ from base64url");
        using var docker = DockerClientFactory.Create(_engine.Endpoint);

        await docker.Swarm.UpdateServiceAsync("svc", new ServiceUpdateParameters { Service = new ServiceSpec { Name = "svc" }, Version = 7, RegistryAuth = auth });

        var (line, headers) = Assert.Single(_engine.Requests, request => request.RequestLine.Contains("/services/svc/update", StringComparison.Ordinal));
        var header = headers["x-registry-auth"];
        Assert.Matches("^[A-Za-z0-9_-]+=*$", header);
        // Decoded as the engine does: the base64url alphabet only.
        var decoded = Convert.FromBase64String(header.Replace('-', '+').Replace('_', '/'));
        using var json = JsonDocument.Parse(decoded);
        Assert.Equal(Password, json.RootElement.GetProperty("password").GetString());
        Assert.Equal("sprocket", json.RootElement.GetProperty("username").GetString());
        Assert.Contains("version=7", line, StringComparison.Ordinal);
    }
}
