using System.Text;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// https-style token auth against the real smart-HTTP server (<c>git http-backend</c>) on loopback: the fetch
/// works with the token, fails typed without it, and the token shows nowhere — not in results, logs, metric
/// tags, nor the files of the clone.
/// </summary>
public sealed class GitHttpTokenAuthTests : IAsyncLifetime
{
    private readonly string _token = "ghs_" + Guid.NewGuid().ToString("N");
    private readonly ScratchDirectory _scratch = new();
    private WorkRepository _work = null!;
    private GitHttpBackendServer _server = null!;
    private string _bare = null!;
    private string _firstRevision = null!;

    private string DataDirectory => _scratch.Combine("data");

    private string RepositoryUrl => new Uri(_server.BaseAddress, "desired.git").AbsoluteUri;

    public async Task InitializeAsync()
    {
        _work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        _firstRevision = await _work.CommitFileAsync("desired-state.yaml", "version: 1\nstacks: []\n");
        Directory.CreateDirectory(_scratch.Combine("served"));
        _bare = await _work.CloneBareAsync(_scratch.Combine("served", "desired.git"));
        _server = await GitHttpBackendServer.StartAsync(_scratch.Combine("served"), _token);
    }

    [Fact]
    public async Task Fetch_WithTheToken_ClonesThenFetchesNewCommitsOverHttp()
    {
        using var sut = SourceUnderTest.Create(RepositoryUrl, DataDirectory, token: _token);

        var first = FetchAssert.Fetched(await sut.FetchAsync());
        var secondRevision = await _work.CommitFileAsync("desired-state.yaml", "version: 1\nstacks: []\n# two\n");
        await _work.RunAsync("push", "--quiet", _bare, "main");
        var second = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(_firstRevision, first.Revision);
        Assert.Equal(secondRevision, second.Revision);
        Assert.Equal("version: 1\nstacks: []\n# two\n", Encoding.UTF8.GetString(second.Content.Span));
        Assert.Equal(RepositoryUrl, second.Repository);
        Assert.True(_server.ServedRequests > 0, "the backend served nothing");
        Assert.True(_server.RejectedRequests > 0, "libgit2 never met the Basic challenge, so the token path was not exercised");
        AssertNeverShown(sut, _token);
    }

    [Fact]
    public async Task Fetch_WithoutAToken_FailsAuthenticationAndCountsIt()
    {
        using var sut = SourceUnderTest.Create(RepositoryUrl, DataDirectory);

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.Authentication);

        Assert.Contains("no Reconciler:GitHub:Token is configured", failed.Message);
        Assert.Equal(0, _server.ServedRequests);
        Assert.True(_server.RejectedRequests > 0);
        Assert.Empty(sut.CloneDirectories());
        var measurement = Assert.Single(sut.CountedFailures());
        Assert.Equal(("auth", RepositoryUrl), (measurement.Tags["reason"], measurement.Tags["repository"]));
    }

    [Fact]
    public async Task Fetch_WithAWrongToken_FailsAuthenticationAndNeverShowsThatToken()
    {
        var wrong = "ghs_" + Guid.NewGuid().ToString("N");
        using var sut = SourceUnderTest.Create(RepositoryUrl, DataDirectory, token: wrong);

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.Authentication);

        Assert.Contains("refused Reconciler:GitHub:Token", failed.Message);
        Assert.Equal(0, _server.ServedRequests);
        // One anonymous request meets the challenge, one carries the token; libgit2 would replay it 15 more times.
        Assert.True(_server.RejectedRequests <= 2, $"refused credentials were replayed: {_server.RejectedRequests} requests");
        Assert.DoesNotContain(wrong, failed.Message);
        AssertNeverShown(sut, wrong);
    }

    [Fact]
    public async Task Fetch_AfterTheTokenIsRevoked_FailsAuthenticationAndKeepsTheClone()
    {
        using var sut = SourceUnderTest.Create(RepositoryUrl, DataDirectory, token: _token);
        FetchAssert.Fetched(await sut.FetchAsync());
        var clone = Assert.Single(sut.CloneDirectories());

        var revoked = "ghs_" + Guid.NewGuid().ToString("N");
        sut.Reconfigure("Reconciler:GitHub:Token", revoked);
        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.Authentication);
        sut.Reconfigure("Reconciler:GitHub:Token", _token);
        var recovered = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Contains(RepositoryUrl, failed.Message);
        Assert.Equal(_firstRevision, recovered.Revision);
        Assert.Equal(clone, Assert.Single(sut.CloneDirectories()));
        Assert.DoesNotContain(sut.Logs.GetSnapshot(), log => log.Id.Id == 2104);
        AssertNeverShown(sut, _token);
        AssertNeverShown(sut, revoked);
    }

    [Fact]
    public async Task Fetch_WithCredentialsWrittenIntoTheUrl_UsesThemButShowsAndStoresTheUrlWithout()
    {
        var withUserInfo = RepositoryUrl.Replace("http://", $"http://{GitHttpBackendServer.UserName}:{_token}@", StringComparison.Ordinal);
        using var sut = SourceUnderTest.Create(withUserInfo, DataDirectory);

        var fetched = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(_firstRevision, fetched.Revision);
        Assert.Equal(RepositoryUrl, fetched.Repository);
        AssertNeverShown(sut, _token);
    }

    [Fact]
    public async Task Fetch_FromAnUnreachableUrlWithUserInfo_FailsUnreachableWithTheUrlScrubbed()
    {
        var secret = "ghs_" + Guid.NewGuid().ToString("N");
        var port = Registry.DistributionRegistry.FreeLoopbackPort();
        using var sut = SourceUnderTest.Create($"http://{GitHttpBackendServer.UserName}:{secret}@127.0.0.1:{port}/desired.git", DataDirectory, token: secret);

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.Unreachable);

        Assert.Contains($"http://127.0.0.1:{port}/desired.git", failed.Message);
        AssertNeverShown(sut, secret);
    }

    private void AssertNeverShown(SourceUnderTest sut, string secret)
    {
        var logs = sut.Logs.GetSnapshot();
        Assert.NotEmpty(logs);
        foreach (var log in logs)
        {
            Assert.DoesNotContain(secret, log.Message);
            Assert.DoesNotContain(secret, log.Exception?.ToString() ?? "");
            Assert.DoesNotContain(secret, string.Join("\n", log.StructuredState?.Select(pair => $"{pair.Key}={pair.Value}") ?? []));
        }

        foreach (var measurement in sut.CountedFailures())
            Assert.DoesNotContain(secret, string.Join("\n", measurement.Tags.Select(tag => $"{tag.Key}={tag.Value}")));

        // Everything the clone keeps outside its (compressed) object store is text: config, refs, logs, FETCH_HEAD.
        if (!Directory.Exists(sut.CloneRoot))
            return;
        foreach (var file in Directory.EnumerateFiles(sut.CloneRoot, "*", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}objects{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                continue;
            Assert.False(File.ReadAllText(file).Contains(secret, StringComparison.Ordinal), $"{file} holds the secret");
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _scratch.Dispose();
    }
}
