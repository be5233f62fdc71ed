using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

/// <summary>Proves the real test environment works end to end: engine, Swarm, both registries.</summary>
[Trait("Requires", "swarm")]
public sealed class SwarmEnvironmentSmokeTests
{
    private static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(60);
    private const string DockerV2Manifest = "application/vnd.docker.distribution.manifest.v2+json";

    private readonly TestEnvironmentSettings _environment = TestEnvironment.Current;

    [Fact]
    public async Task ManualRollbackSwapsSpecsAndEndsRollbackCompleted()
    {
        await using var scope = SwarmServiceScope.Create();
        var docker = scope.Docker;
        // Short monitors keep the test quick; the states and messages are the same as with defaults.
        var name = await scope.CreateServiceAsync(
            "smoke-web",
            _environment.Image(SeededImages.Web, SeededImages.GitAaa),
            ["--update-monitor", "1s", "--rollback-monitor", "1s"]);
        await Eventually.Until(async () => await docker.RunningTaskCountAsync(name) == 1, ConvergeTimeout, $"{name} to run one task");

        await docker.UpdateImageAsync(name, _environment.Image(SeededImages.Web, SeededImages.GitBbb));
        await Eventually.UntilValue(
            () => docker.SnapshotServiceAsync(name), s => s.UpdateState == "completed", ConvergeTimeout, $"{name} update to complete");

        await docker.RollbackAsync(name);
        var started = await docker.SnapshotServiceAsync(name);
        Assert.Contains(started.UpdateState, new[] { "rollback_started", "rollback_completed" });

        var done = await Eventually.UntilValue(
            () => docker.SnapshotServiceAsync(name), s => s.UpdateState == "rollback_completed", ConvergeTimeout, $"{name} rollback to complete");
        Assert.Equal("rollback completed", done.UpdateMessage);
        // The CLI resolved the tags, so both specs carry repo:tag@sha256:digest.
        Assert.StartsWith($"{_environment.Image(SeededImages.Web, SeededImages.GitAaa)}@sha256:", done.SpecImage, StringComparison.Ordinal);
        Assert.StartsWith($"{_environment.Image(SeededImages.Web, SeededImages.GitBbb)}@sha256:", done.PreviousSpecImage, StringComparison.Ordinal);
        await Eventually.Until(async () => await docker.RunningTaskCountAsync(name) == 1, ConvergeTimeout, $"{name} to run again after the rollback");
    }

    [Fact]
    public async Task ScopeRemovesEveryServiceWithItsPrefixOnDispose()
    {
        var docker = DockerCli.ForTestEnvironment();
        var scope = SwarmServiceScope.Create(docker);
        await scope.CreateServiceAsync("created-by-scope", _environment.Image(SeededImages.Worker, SeededImages.GitAaa));
        // As if the code under test had created it: the scope finds it by prefix.
        await docker.CreateServiceAsync(scope.NameFor("created-elsewhere"), _environment.Image(SeededImages.Worker, SeededImages.GitBbb));
        Assert.Equal(2, (await docker.ListServiceNamesAsync(scope.Prefix)).Count);

        await scope.DisposeAsync();

        Assert.Empty(await docker.ListServiceNamesAsync(scope.Prefix));
    }

    [Fact]
    public async Task AuthRegistryAnswersManifestDigestOnlyWithBasicCredentials()
    {
        using var http = new HttpClient();
        var manifestUri = new Uri($"http://{_environment.AuthRegistry}/v2/{SeededImages.Web}/manifests/{SeededImages.GitAaa}");

        using var anonymous = await http.SendAsync(ManifestHead(manifestUri));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", Assert.Single(anonymous.Headers.WwwAuthenticate).Scheme);

        var withCredentials = ManifestHead(manifestUri);
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_environment.AuthRegistryUser}:{_environment.AuthRegistryPassword}"));
        withCredentials.Headers.Authorization = new AuthenticationHeaderValue("Basic", token);
        using var authorized = await http.SendAsync(withCredentials);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        var digest = Assert.Single(authorized.Headers.GetValues("Docker-Content-Digest"));
        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
    }

    private static HttpRequestMessage ManifestHead(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Head, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(DockerV2Manifest));
        return request;
    }
}
