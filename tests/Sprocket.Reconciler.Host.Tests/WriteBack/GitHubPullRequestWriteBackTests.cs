using System.Text;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.WriteBack;
using static Sprocket.Reconciler.Testing.WriteBackFixtures;

namespace Sprocket.Reconciler.Host.Tests.WriteBack;

/// <summary>
/// <c>writeBack: pull-request</c> through the real Octokit against <see cref="FakeGitHub"/>: every request is checked
/// for method, path and query, headers and JSON body; one pull request per incident, updated when the live tag moves.
/// </summary>
public sealed class GitHubPullRequestWriteBackTests : IDisposable
{
    private const string BaseHead = "aa218f56b14c9653891f9e74264a383fa43fefbd";
    private const string BaseBlob = "3d21ec53a331a6f037a91c368710b99387d012c1";
    private const string BranchBlob = "95b966ae1c166bd92f8ae7d1c313e738c731dfc3";
    private const string NewCommit = "7638417db6d59f3c431d3e1f261cc637155684cd";
    private const string Branch = "reconciler/realign-web-git-aaa1111";

    private readonly FakeGitHub _github = new();
    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task NoOpenPullRequest_CreatesBranchOneLineCommitAndPullRequest()
    {
        _github.Branch("main", BaseHead);
        _github.File(BaseHead, DesiredState(), BaseBlob);
        _github.OpenPulls();
        _github.CreateRef(Branch, BaseHead);
        _github.PutFile(BranchBlob, NewCommit);
        _github.CreatePull(1347, Branch);
        using var sut = Create();

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None);

        Assert.Equal(new WriteBackResult.PullRequestReady(1347, $"https://github.com/{FakeGitHub.Owner}/{FakeGitHub.Repo}/pull/1347",
            Branch, PullRequestAction.Opened), result);
        var requests = _github.Requests;
        Assert.Equal(
            [
                "GET /api/v3/repos/SprocketBot/desired-state/branches/main -> 200",
                $"GET /api/v3/repos/SprocketBot/desired-state/contents/desired-state.yaml?ref={BaseHead} -> 200",
                "GET /api/v3/repos/SprocketBot/desired-state/pulls?state=open&base=main&sort=created&direction=desc -> 200",
                "POST /api/v3/repos/SprocketBot/desired-state/git/refs -> 201",
                "PUT /api/v3/repos/SprocketBot/desired-state/contents/desired-state.yaml -> 200",
                "POST /api/v3/repos/SprocketBot/desired-state/pulls -> 201",
            ],
            requests.Select(request => request.ToString()));
        AssertHeaders(requests);

        Assert.Equal($$"""{"ref":"refs/heads/{{Branch}}","sha":"{{BaseHead}}"}""", requests[3].Json.ToJsonString());

        var put = requests[4].Json;
        Assert.Equal(["author", "branch", "content", "message", "sha"], put.AsObject().Select(property => property.Key).Order());
        Assert.Equal(BaseBlob, (string?)put["sha"]);
        Assert.Equal(Branch, (string?)put["branch"]);
        Assert.Equal(DesiredState(webTag: GoodTag), Encoding.UTF8.GetString(Convert.FromBase64String((string)put["content"]!)));
        Assert.StartsWith($"realign web: {BadTag} → {GoodTag} after emergency rollback\n\n", (string?)put["message"]);
        Assert.EndsWith("\nWritten by Sprocket.Reconciler\n", (string?)put["message"]);
        Assert.Equal("""{"name":"Sprocket Reconciler","email":"reconciler@sprocket.invalid","date":"2025-03-14T09:30:00Z"}""",
            put["author"]!.ToJsonString());

        var pull = requests[5].Json;
        Assert.Equal($"Realign web to {GoodTag} after emergency rollback from {BadTag}", (string?)pull["title"]);
        Assert.Equal(Branch, (string?)pull["head"]);
        Assert.Equal("main", (string?)pull["base"]);
        var body = (string)pull["body"]!;
        Assert.StartsWith("<!-- sprocket-reconciler:realign stack=web -->\n", body);
        Assert.Contains($"| Bad tag (rolled away from) | `{BadTag}` |", body);
        Assert.Contains($"| Good tag (runs now) | `{GoodTag}` |", body);
        Assert.Contains("| 2025-03-14 09:26:53 UTC | Rollback started |", body);
        Assert.Contains("| 2025-03-14 09:27:20 UTC | Rollback completed |", body);
        Assert.Contains("| 2025-03-14 09:30:00 UTC | Stable for 2m; this pull request opened |", body);
        Assert.Contains("| `prod-web-service-1a2b3c4` | `registry.example/sprocketbot/web` |", body);
        Assert.Contains("- Approved by: ____\n", body);
    }

    [Fact]
    public async Task OpenPullRequestAlreadyNamingTheGoodTag_IsReusedWithoutWriting()
    {
        _github.Branch("main", BaseHead);
        _github.File(BaseHead, DesiredState(), BaseBlob);
        _github.OpenPulls(FakeGitHub.Pull(1347, Branch, IncidentNote.PullRequestMarker("web") + "\n## Emergency rollback"));
        _github.File(Branch, DesiredState(webTag: GoodTag), BranchBlob);
        using var sut = Create();

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None);

        Assert.Equal(PullRequestAction.AlreadyOpen, Assert.IsType<WriteBackResult.PullRequestReady>(result).Action);
        Assert.All(_github.Requests, request => Assert.Equal("GET", request.Method));
        Assert.Equal($"GET /api/v3/repos/SprocketBot/desired-state/contents/desired-state.yaml?ref={Branch} -> 200",
            _github.Requests[^1].ToString());
    }

    [Fact]
    public async Task LiveTagChangedAgain_UpdatesTheSamePullRequestWithACommitOnItsBranch()
    {
        const string newerGood = "git-ddd4444";
        _github.Branch("main", BaseHead);
        _github.File(BaseHead, DesiredState(), BaseBlob);
        _github.OpenPulls(FakeGitHub.Pull(1347, Branch, IncidentNote.PullRequestMarker("web") + "\n## Emergency rollback"));
        _github.File(Branch, DesiredState(webTag: GoodTag), BranchBlob);
        _github.PutFile("0d5a690c8fad5e605a6e8766295d9d459d65de42", NewCommit);
        _github.UpdatePull(1347, Branch);
        using var sut = Create();

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest, goodTag: newerGood), CancellationToken.None);

        Assert.Equal(new WriteBackResult.PullRequestReady(1347, $"https://github.com/{FakeGitHub.Owner}/{FakeGitHub.Repo}/pull/1347",
            Branch, PullRequestAction.Updated), result);
        var requests = _github.Requests;
        Assert.Equal(
            [
                "GET /api/v3/repos/SprocketBot/desired-state/branches/main -> 200",
                $"GET /api/v3/repos/SprocketBot/desired-state/contents/desired-state.yaml?ref={BaseHead} -> 200",
                "GET /api/v3/repos/SprocketBot/desired-state/pulls?state=open&base=main&sort=created&direction=desc -> 200",
                $"GET /api/v3/repos/SprocketBot/desired-state/contents/desired-state.yaml?ref={Branch} -> 200",
                "PUT /api/v3/repos/SprocketBot/desired-state/contents/desired-state.yaml -> 200",
                "PATCH /api/v3/repos/SprocketBot/desired-state/pulls/1347 -> 200",
            ],
            requests.Select(request => request.ToString()));
        AssertHeaders(requests);
        var put = requests[4].Json;
        Assert.Equal(BranchBlob, (string?)put["sha"]);
        Assert.Equal(Branch, (string?)put["branch"]);
        Assert.Equal(DesiredState(webTag: newerGood), Encoding.UTF8.GetString(Convert.FromBase64String((string)put["content"]!)));
        var patch = requests[5].Json;
        Assert.Equal(["body", "title"], patch.AsObject().Select(property => property.Key).Order());
        Assert.Equal($"Realign web to {newerGood} after emergency rollback from {BadTag}", (string?)patch["title"]);
        Assert.Contains($"Live tag changed again, from `{GoodTag}` to `{newerGood}`; this pull request updated", (string?)patch["body"]);
        Assert.StartsWith(IncidentNote.PullRequestMarker("web"), (string?)patch["body"]);
    }

    [Fact]
    public async Task OpenPullRequestOfAStackWithALongerName_IsNotMistakenForOurs()
    {
        _github.Branch("main", BaseHead);
        _github.File(BaseHead, DesiredState(), BaseBlob);
        _github.OpenPulls(
            FakeGitHub.Pull(1200, "reconciler/realign-web-api-git-aaa1111", IncidentNote.PullRequestMarker("web-api")),
            FakeGitHub.Pull(1201, "reconciler/realign-web-git-eee5555", "opened by hand, no marker"),
            FakeGitHub.Pull(1202, "reconciler/realign-web-git-fff6666", IncidentNote.PullRequestMarker("web"), headRepository: "someone/fork"));
        _github.CreateRef(Branch, BaseHead);
        _github.PutFile(BranchBlob, NewCommit);
        _github.CreatePull(1347, Branch);
        using var sut = Create();

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None);

        Assert.Equal(PullRequestAction.Opened, Assert.IsType<WriteBackResult.PullRequestReady>(result).Action);
        Assert.Contains(_github.Requests, request => request.ToString() == "POST /api/v3/repos/SprocketBot/desired-state/pulls -> 201");
    }

    [Fact]
    public async Task LeftoverBranchWithoutPullRequest_IsResetToTheBaseHeadThenUsed()
    {
        _github.Branch("main", BaseHead);
        _github.File(BaseHead, DesiredState(), BaseBlob);
        _github.OpenPulls();
        _github.CreateRef(Branch, BaseHead, alreadyExists: true);
        _github.UpdateRef(Branch, BaseHead);
        _github.PutFile(BranchBlob, NewCommit);
        _github.CreatePull(1347, Branch);
        using var sut = Create();

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None);

        Assert.Equal(PullRequestAction.Opened, Assert.IsType<WriteBackResult.PullRequestReady>(result).Action);
        var patch = Assert.Single(_github.Requests, request => request.Method == "PATCH");
        Assert.Equal($"PATCH /api/v3/repos/SprocketBot/desired-state/git/refs/heads/{Branch} -> 200", patch.ToString());
        Assert.Equal($$"""{"sha":"{{BaseHead}}","force":true}""", patch.Json.ToJsonString());
        Assert.DoesNotContain(_github.Requests, request => request.PathAndQuery.Contains("/git/refs/heads/main", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BaseAlreadyNamesTheGoodTag_IsNothingToDo()
    {
        _github.Branch("main", BaseHead);
        _github.File(BaseHead, DesiredState(webTag: GoodTag), BaseBlob);
        using var sut = Create();

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None);

        Assert.IsType<WriteBackResult.NothingToDo>(result);
        Assert.Equal(2, _github.Requests.Count);
    }

    [Fact]
    public async Task BaseNamesAThirdTag_IsSupersededWithoutWriting()
    {
        _github.Branch("main", BaseHead);
        _github.File(BaseHead, DesiredState(webTag: ThirdTag), BaseBlob);
        using var sut = Create();

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None);

        Assert.Equal(new WriteBackResult.Superseded(ThirdTag, BaseHead), result);
        Assert.All(_github.Requests, request => Assert.Equal("GET", request.Method));
    }

    [Fact]
    public async Task ByteOrderMarkAndCrLf_SurviveTheContentsApiRoundTrip()
    {
        var original = "\uFEFF" + DesiredState(lineEnding: "\r\n");
        _github.Branch("main", BaseHead);
        _github.File(BaseHead, Encoding.UTF8.GetBytes(original), BaseBlob);
        _github.OpenPulls();
        _github.CreateRef(Branch, BaseHead);
        _github.PutFile(BranchBlob, NewCommit);
        _github.CreatePull(1347, Branch);
        using var sut = Create();

        Assert.IsType<WriteBackResult.PullRequestReady>(await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None));

        var put = _github.Requests.Single(request => request.Method == "PUT").Json;
        Assert.Equal(Encoding.UTF8.GetBytes(original.Replace($"imageTag: {BadTag}   #", $"imageTag: {GoodTag}   #")),
            Convert.FromBase64String((string)put["content"]!));
    }

    [Fact]
    public async Task RefusedToken_FailsWithTheStatusAndNeverTheToken()
    {
        using var refusing = new FakeGitHub(token: "ghp_theRightOne0000000000000000000000000");
        using var sut = Create(refusing.ApiUrl);

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None);

        var failed = Assert.IsType<WriteBackResult.Failed>(result);
        Assert.Contains("401", failed.Message);
        Assert.Contains("Bad credentials", failed.Message);
        Assert.DoesNotContain(FakeGitHub.Token, failed.Message);
        Assert.Equal("Bearer " + FakeGitHub.Token, Assert.Single(refusing.Requests).Headers["Authorization"]);
        Assert.DoesNotContain(sut.Logs.GetSnapshot(), record => record.Message.Contains(FakeGitHub.Token, StringComparison.Ordinal));
        Assert.Contains(sut.Logs.GetSnapshot(), record => record.Id.Id == 8105);
    }

    [Theory]
    [InlineData("/srv/git/desired.git")]
    [InlineData("https://gitlab.example/group/sub/desired.git")]
    public async Task NotAGitHubRepository_FailsWithoutCallingGitHub(string repository)
    {
        using var sut = WriteBackUnderTest.Create(repository, _scratch.Combine("data"), new Dictionary<string, string?>
        {
            ["Reconciler:GitHub:Token"] = FakeGitHub.Token,
            ["Reconciler:GitHub:ApiUrl"] = _github.ApiUrl,
        });

        var failed = Assert.IsType<WriteBackResult.Failed>(await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None));

        Assert.Contains("GitHub https URL", failed.Message);
        Assert.Empty(_github.Requests);
    }

    [Fact]
    public async Task MissingToken_FailsWithoutCallingGitHub()
    {
        using var sut = WriteBackUnderTest.Create($"https://github.com/{FakeGitHub.Owner}/{FakeGitHub.Repo}.git", _scratch.Combine("data"),
            new Dictionary<string, string?> { ["Reconciler:GitHub:ApiUrl"] = _github.ApiUrl });

        var failed = Assert.IsType<WriteBackResult.Failed>(await sut.WriteBack.WriteAsync(Request(WriteBackMode.PullRequest), CancellationToken.None));

        Assert.Contains("Reconciler:GitHub:Token", failed.Message);
        Assert.Empty(_github.Requests);
    }

    public void Dispose()
    {
        _github.Dispose();
        _scratch.Dispose();
    }

    private WriteBackUnderTest Create(string? apiUrl = null) =>
        WriteBackUnderTest.Create($"https://x-access-token:{FakeGitHub.Token}@github.com/{FakeGitHub.Owner}/{FakeGitHub.Repo}.git",
            _scratch.Combine("data"), new Dictionary<string, string?>
            {
                ["Reconciler:GitHub:Token"] = FakeGitHub.Token,
                ["Reconciler:GitHub:ApiUrl"] = apiUrl ?? _github.ApiUrl,
            });

    /// <summary>What GitHub requires of every call: the token, the v3 JSON media type, a User-Agent naming the client;
    /// and what the shared client adds: the pinned API version and JSON bodies labelled as JSON.</summary>
    private static void AssertHeaders(IEnumerable<RecordedRequest> requests)
    {
        foreach (var request in requests)
        {
            Assert.Equal("Bearer " + FakeGitHub.Token, request.Headers["Authorization"]);
            Assert.Equal(FakeGitHub.MediaType, request.Headers["Accept"]);
            Assert.StartsWith("sprocket-reconciler/", request.Headers["User-Agent"]);
            Assert.Contains("Octokit.net 14.0.0", request.Headers["User-Agent"]);
            Assert.Equal("2022-11-28", request.Headers["X-GitHub-Api-Version"]);
            if (request.Method is "POST" or "PUT" or "PATCH")
            {
                Assert.NotNull(request.Json);
                Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
            }
        }
    }
}
