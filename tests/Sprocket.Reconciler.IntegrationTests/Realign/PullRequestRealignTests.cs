using System.Text;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.Reconcile;
using static Sprocket.Reconciler.IntegrationTests.TestEnv.SeededImages;

namespace Sprocket.Reconciler.IntegrationTests.Realign;

/// <summary>
/// <c>writeBack: pull-request</c> end to end. The daemon reads the desired state the way it reads a GitHub repository
/// (smart HTTP with the token as <c>x-access-token</c>'s password, from <c>http://HOST/SprocketBot/desired-state.git</c>:
/// the real <c>git http-backend</c>), and opens the pull request through <c>GitHub:ApiUrl</c>, which is the
/// <see cref="FakeGitHub"/> stub answering for that same repository. The stub gets the branch, the one-line commit and
/// the pull request; the daemon writes nothing to git itself. Merging (a commit making the same change) ends it.
/// </summary>
public sealed class PullRequestRealignTests : IAsyncDisposable
{
    private const int PullNumber = 42;
    private readonly ScratchDirectory _served = new();
    private readonly FakeGitHub _github = new();
    private GitHttpBackendServer? _server;

    [Fact]
    public async Task A_stable_rollback_opens_one_pull_request_and_merging_it_aligns_the_stack()
    {
        _server = await GitHttpBackendServer.StartAsync(Directory.CreateDirectory(_served.Combine("projects")).FullName, FakeGitHub.Token);
        await using var story = await RealignStory.StartAsync(Engines.Swarm, "pull-request", "5s", options => options with
        {
            DesiredRepositoryUrl = Serve,
            ExtraArguments =
            [
                .. options.ExtraArguments,
                $"--Reconciler:GitHub:Token={FakeGitHub.Token}",
                $"--Reconciler:GitHub:ApiUrl={_github.ApiUrl}",
                // Commit statuses and deployments are another feature's requests; this stub answers the pull request's.
                "--Reconciler:GitHub:Notify=false",
            ],
        });
        var scenario = story.Scenario;
        Assert.True(_server.ServedRequests > 0, "the daemon did not read the desired state over http");

        // GitHub's view of the repository is git's: the branch head and the file's exact bytes and blob.
        var head = story.BbbRevision;
        var blob = await story.Git("rev-parse", $"{head}:{RealignStory.DesiredFile}");
        var bbbText = ReconcileYaml.Render(scenario.Stack);
        var branch = $"reconciler/realign-{story.Name}-{GitAaa}";
        _github.Branch("main", head);
        _github.File(head, Encoding.UTF8.GetBytes(bbbText), blob);
        _github.OpenPulls();
        _github.CreateRef(branch, head);
        _github.PutFile("95b966ae1c166bd92f8ae7d1c313e738c731dfc3", "7638417db6d59f3c431d3e1f261cc637155684cd");
        _github.CreatePull(PullNumber, branch);

        await story.RollBackAndWaitForHoldAsync();
        var baseline = await story.WaitForRollbackCompletedAsync();
        var pullUrl = $"https://github.com/{FakeGitHub.Owner}/{FakeGitHub.Repo}/pull/{PullNumber}";
        var opened = await scenario.WaitAsync(s => s.Incident?.WriteBack is not null, $"{story.Name}'s pull request", TimeSpan.FromSeconds(45));
        Assert.Equal(("held", "pull-request", pullUrl), (opened.Status, opened.Incident!.WriteBack!.Kind, opened.Incident.WriteBack.Reference));
        Assert.True(opened.Incident.WriteBack.At >= opened.Incident.StabilizationDeadline, "the pull request came before the deadline");

        var requests = _github.Requests;
        Assert.Equal(
            [
                "GET /api/v3/repos/SprocketBot/desired-state/branches/main -> 200",
                $"GET /api/v3/repos/SprocketBot/desired-state/contents/desired-state.yaml?ref={head} -> 200",
                "GET /api/v3/repos/SprocketBot/desired-state/pulls?state=open&base=main&sort=created&direction=desc -> 200",
                "POST /api/v3/repos/SprocketBot/desired-state/git/refs -> 201",
                "PUT /api/v3/repos/SprocketBot/desired-state/contents/desired-state.yaml -> 200",
                "POST /api/v3/repos/SprocketBot/desired-state/pulls -> 201",
            ],
            requests.Select(request => request.ToString()));
        Assert.Equal($$"""{"ref":"refs/heads/{{branch}}","sha":"{{head}}"}""", requests[3].Json.ToJsonString());
        var put = requests[4].Json;
        Assert.Equal((blob, branch), ((string?)put["sha"], (string?)put["branch"]));
        var aaaText = ReconcileYaml.Render(scenario.Stack.WithTag(GitAaa));
        Assert.Equal(aaaText, Encoding.UTF8.GetString(Convert.FromBase64String((string)put["content"]!)));
        Assert.Single(bbbText.Split('\n').Zip(aaaText.Split('\n')), pair => pair.First != pair.Second);
        Assert.StartsWith($"realign {story.Name}: {GitBbb} → {GitAaa} after emergency rollback\n\n", (string?)put["message"]);
        var pull = requests[5].Json;
        Assert.Equal((branch, "main"), ((string?)pull["head"], (string?)pull["base"]));
        Assert.Equal($"Realign {story.Name} to {GitAaa} after emergency rollback from {GitBbb}", (string?)pull["title"]);
        Assert.Contains($"<!-- sprocket-reconciler:realign stack={story.Name} -->", (string?)pull["body"]);
        Assert.Empty(await story.CommitsAfterAsync(story.BbbRevision));

        // Held, waiting for the merge: evaluations go on, but nothing is applied and no second pull request is opened.
        await scenario.AssertNothingAppliedAsync([baseline], s => s is { Status: "held", Incident.WriteBack.Kind: "pull-request" },
            "the pull request is open", evaluations: 3);
        Assert.Equal(6, _github.Requests.Count);
        Assert.Equal("pull-request=1", await story.RealignmentOutcomesAsync());

        // A human merges: the branch now names aaa, the one-line change the pull request made.
        var merged = await scenario.CommitTagAsync(GitAaa);
        Assert.Equal($"1\t1\t{RealignStory.DesiredFile}", await story.Git("diff", "--numstat", head, merged));
        var synced = await scenario.WaitForRevisionAsync(merged, s => s is { Status: "synced", Incident: null, Hold: null },
            $"{story.Name} synced after the merge", TimeSpan.FromSeconds(45));
        Assert.Equal((GitAaa, "none"), (synced.OnlyService.LiveTag, synced.OnlyService.Drift));
        Assert.Equal("aligned=1,pull-request=1", await story.RealignmentOutcomesAsync());
        Assert.Equal(6, _github.Requests.Count);
        Assert.Single(scenario.History(), row => row.Tag == GitBbb);

        // The timeline links the pull request the on-call merged.
        using var events = await story.Daemon.GetAsync($"api/v1/stacks/{story.Name}/events?limit=500");
        var written = System.Text.Json.Nodes.JsonNode.Parse(await events.Content.ReadAsStringAsync())!["items"]!.AsArray()
            .Single(e => (string?)e!["kind"] == "write-back-pull-request")!;
        Assert.Equal((GitAaa, GitBbb, pullUrl), ((string?)written["tag"], (string?)written["previousTag"], (string?)written["link"]));
    }

    /// <summary>Serves the repository the daemon reads under GitHub's path shape, and gives its http URL.</summary>
    private string Serve(string repositoryPath)
    {
        var owner = Directory.CreateDirectory(Path.Combine(_served.Combine("projects"), FakeGitHub.Owner)).FullName;
        File.CreateSymbolicLink(Path.Combine(owner, FakeGitHub.Repo + ".git"), repositoryPath);
        return new Uri(_server!.BaseAddress, $"{FakeGitHub.Owner}/{FakeGitHub.Repo}.git").AbsoluteUri;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _github.Dispose();
        _served.Dispose();
    }
}
