using Microsoft.Extensions.Logging.Abstractions;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.WriteBack;
using static Sprocket.Reconciler.Testing.WriteBackFixtures;

namespace Sprocket.Reconciler.IntegrationTests.WriteBack;

/// <summary>
/// <c>writeBack: commit</c> against real bare repositories (by path and by file:// URL), inspected with the git CLI.
/// Races are made real: a second clone pushes to the remote in the window between our fetch and our push.
/// </summary>
public sealed class GitCommitWriteBackTests : IDisposable
{
    private const string FilePath = "desired-state.yaml";
    private readonly ScratchDirectory _scratch = new();

    private string DataDirectory => _scratch.Combine("data");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Commit_PushesExactlyOneCommitChangingOnlyTheImageTagLine(bool asFileUrl)
    {
        var (remote, baseHead) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(asFileUrl ? new Uri(remote).AbsoluteUri : remote, DataDirectory);

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.Commit), CancellationToken.None);

        var committed = Assert.IsType<WriteBackResult.Committed>(result);
        Assert.Equal("main", committed.Branch);
        Assert.Equal(committed.Sha, await Git(remote, "rev-parse", "refs/heads/main"));
        Assert.Equal(baseHead, await Git(remote, "rev-parse", committed.Sha + "^"));
        Assert.Equal("1", await Git(remote, "rev-list", "--count", baseHead + ".." + committed.Sha));
        Assert.Equal($"1\t1\t{FilePath}", await Git(remote, "diff", "--numstat", baseHead, committed.Sha));
        Assert.Equal(DesiredState(webTag: GoodTag), await Git(remote, "show", $"{committed.Sha}:{FilePath}") + "\n");
        var changed = (await Git(remote, "diff", "-U0", baseHead, committed.Sha)).Split('\n')
            .Where(line => line.StartsWith('-') || line.StartsWith('+')).ToArray();
        Assert.Equal(
            ["--- a/desired-state.yaml", "+++ b/desired-state.yaml",
             $"-    imageTag: {BadTag}   # CI bumps this", $"+    imageTag: {GoodTag}   # CI bumps this"],
            changed);
        Assert.Equal("Sprocket Reconciler <reconciler@sprocket.invalid> 1741944600 +0000",
            await Git(remote, "log", "-1", "--format=%an <%ae> %at %ad", "--date=format:%z", committed.Sha));
        Assert.Equal("Sprocket Reconciler <reconciler@sprocket.invalid>",
            await Git(remote, "log", "-1", "--format=%cn <%ce>", committed.Sha));
    }

    [Fact]
    public async Task Commit_MessageIsAnIncidentNote()
    {
        var (remote, _) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);

        var committed = Assert.IsType<WriteBackResult.Committed>(
            await sut.WriteBack.WriteAsync(Request(WriteBackMode.Commit), CancellationToken.None));

        var message = await Git(remote, "log", "-1", "--format=%B", committed.Sha);
        var lines = message.Split('\n');
        Assert.Equal($"realign web: {BadTag} → {GoodTag} after emergency rollback", lines[0]);
        Assert.Equal("", lines[1]);
        Assert.Contains("- prod-web-service-1a2b3c4 (registry.example/sprocketbot/web)", lines);
        Assert.Contains($"  from {BadTag} (sha256:{new string('b', 64)})", lines);
        Assert.Contains($"  to   {GoodTag} (sha256:{new string('a', 64)})", lines);
        Assert.Contains("Rollback started:   2025-03-14 09:26:53 UTC", lines);
        Assert.Contains("Rollback completed: 2025-03-14 09:27:20 UTC", lines);
        Assert.Contains("Stabilization:      stable for 2m", lines);
        Assert.Equal("Written by Sprocket.Reconciler", lines[^1]);
    }

    [Fact]
    public async Task Commit_ConfiguredAuthor_IsUsedForAuthorAndCommitter()
    {
        var (remote, _) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory, new Dictionary<string, string?>
        {
            ["Reconciler:WriteBack:AuthorName"] = "Platform Bot",
            ["Reconciler:WriteBack:AuthorEmail"] = "platform-bot@example.com",
        });

        var committed = Assert.IsType<WriteBackResult.Committed>(
            await sut.WriteBack.WriteAsync(Request(WriteBackMode.Commit), CancellationToken.None));

        Assert.Equal("Platform Bot <platform-bot@example.com> / Platform Bot <platform-bot@example.com>",
            await Git(remote, "log", "-1", "--format=%an <%ae> / %cn <%ce>", committed.Sha));
    }

    [Fact]
    public async Task Commit_KeepsCrLfAndByteOrderMark()
    {
        var original = "\uFEFF" + DesiredState(lineEnding: "\r\n");
        var (remote, _) = await RemoteWithDesiredStateAsync(original);
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);

        var committed = Assert.IsType<WriteBackResult.Committed>(
            await sut.WriteBack.WriteAsync(Request(WriteBackMode.Commit), CancellationToken.None));

        var bytes = await ShowBytesAsync(remote, committed.Sha);
        var expected = System.Text.Encoding.UTF8.GetBytes(original.Replace($"imageTag: {BadTag}   #", $"imageTag: {GoodTag}   #"));
        Assert.Equal(expected, bytes);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
    }

    [Fact]
    public async Task Race_HumanCommitToAnotherFile_IsFetchedAndTheEditRedoneOnTop()
    {
        var (remote, baseHead) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);
        var human = await HumanCloneAsync(remote);
        string? humanCommit = null;

        var result = await CommitWithRaceAsync(sut, Request(WriteBackMode.Commit), attempt =>
        {
            if (attempt == 1)
                humanCommit = HumanPush(human, "README.md", "# Desired state\n", "docs: explain the repository");
        });

        var committed = Assert.IsType<WriteBackResult.Committed>(result);
        Assert.NotNull(humanCommit);
        Assert.Equal(committed.Sha, await Git(remote, "rev-parse", "refs/heads/main"));
        Assert.Equal(humanCommit, await Git(remote, "rev-parse", committed.Sha + "^"));
        Assert.Equal(baseHead, await Git(remote, "rev-parse", humanCommit + "^"));
        Assert.Equal($"1\t1\t{FilePath}", await Git(remote, "diff", "--numstat", humanCommit, committed.Sha));
        Assert.Equal("# Desired state", await Git(remote, "show", $"{committed.Sha}:README.md"));
        Assert.Equal(DesiredState(webTag: GoodTag), await Git(remote, "show", $"{committed.Sha}:{FilePath}") + "\n");
        await AssertAncestorAsync(remote, humanCommit!, committed.Sha);
    }

    [Fact]
    public async Task Race_HumanSetTheSameImageTagToAThirdTag_IsSupersededAndNothingIsPushed()
    {
        var (remote, _) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);
        var human = await HumanCloneAsync(remote);
        string? humanCommit = null;

        var result = await CommitWithRaceAsync(sut, Request(WriteBackMode.Commit), attempt =>
        {
            if (attempt == 1)
                humanCommit = HumanPush(human, FilePath, DesiredState(webTag: ThirdTag), "web: forward fix");
        });

        var superseded = Assert.IsType<WriteBackResult.Superseded>(result);
        Assert.Equal(ThirdTag, superseded.TagInGit);
        Assert.Equal(humanCommit, superseded.Revision);
        Assert.Equal(humanCommit, await Git(remote, "rev-parse", "refs/heads/main"));
        Assert.Equal(DesiredState(webTag: ThirdTag), await Git(remote, "show", $"main:{FilePath}") + "\n");
    }

    [Fact]
    public async Task Race_HumanAlreadyWroteTheGoodTag_IsNothingToDo()
    {
        var (remote, _) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);
        var human = await HumanCloneAsync(remote);
        string? humanCommit = null;

        var result = await CommitWithRaceAsync(sut, Request(WriteBackMode.Commit), attempt =>
        {
            if (attempt == 1)
                humanCommit = HumanPush(human, FilePath, DesiredState(webTag: GoodTag), "web: realign by hand");
        });

        Assert.IsType<WriteBackResult.NothingToDo>(result);
        Assert.Equal(humanCommit, await Git(remote, "rev-parse", "refs/heads/main"));
    }

    [Fact]
    public async Task Race_LostOnEveryAttempt_FailsWithoutForcing()
    {
        var (remote, _) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);
        var human = await HumanCloneAsync(remote);
        var humanCommits = new List<string>();

        var result = await CommitWithRaceAsync(sut, Request(WriteBackMode.Commit), attempt =>
            humanCommits.Add(HumanPush(human, "notes.txt", $"note {attempt}\n", $"note {attempt}")));

        var failed = Assert.IsType<WriteBackResult.Failed>(result);
        Assert.Contains("rejected 3 times", failed.Message);
        Assert.Equal(3, humanCommits.Count);
        Assert.Equal(humanCommits[^1], await Git(remote, "rev-parse", "refs/heads/main"));
        Assert.Equal(DesiredState(), await Git(remote, "show", $"main:{FilePath}") + "\n");
    }

    [Fact]
    public async Task HeadAlreadyNamingAThirdTag_IsSuperseded()
    {
        var (remote, head) = await RemoteWithDesiredStateAsync(DesiredState(webTag: ThirdTag));
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.Commit), CancellationToken.None);

        Assert.Equal(new WriteBackResult.Superseded(ThirdTag, head), result);
        Assert.Equal(head, await Git(remote, "rev-parse", "refs/heads/main"));
    }

    [Fact]
    public async Task SecondWriteBack_AfterTheFirst_IsNothingToDo()
    {
        var (remote, _) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);
        var first = Assert.IsType<WriteBackResult.Committed>(
            await sut.WriteBack.WriteAsync(Request(WriteBackMode.Commit), CancellationToken.None));

        var second = await sut.WriteBack.WriteAsync(Request(WriteBackMode.Commit), CancellationToken.None);

        Assert.IsType<WriteBackResult.NothingToDo>(second);
        Assert.Equal(first.Sha, await Git(remote, "rev-parse", "refs/heads/main"));
        Assert.True(Directory.Exists(Path.Combine(DataDirectory, "writeback")));
        Assert.False(Directory.Exists(Path.Combine(DataDirectory, "desired")));
    }

    [Fact]
    public async Task ModeNone_WritesNothing()
    {
        var (remote, head) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);

        var result = await sut.WriteBack.WriteAsync(Request(WriteBackMode.None), CancellationToken.None);

        Assert.IsType<WriteBackResult.NothingToDo>(result);
        Assert.Equal(head, await Git(remote, "rev-parse", "refs/heads/main"));
        Assert.False(Directory.Exists(Path.Combine(DataDirectory, "writeback")));
    }

    [Fact]
    public async Task MissingBranch_Fails()
    {
        var (remote, _) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory, new Dictionary<string, string?>
        {
            ["Reconciler:DesiredState:Branch"] = "production",
        });

        var failed = Assert.IsType<WriteBackResult.Failed>(
            await sut.WriteBack.WriteAsync(Request(WriteBackMode.Commit), CancellationToken.None));

        Assert.Contains("no branch 'production'", failed.Message);
    }

    [Fact]
    public async Task StackMissingFromTheFile_Fails()
    {
        var (remote, head) = await RemoteWithDesiredStateAsync(DesiredState());
        using var sut = WriteBackUnderTest.Create(remote, DataDirectory);

        var failed = Assert.IsType<WriteBackResult.Failed>(await sut.WriteBack.WriteAsync(
            Request(WriteBackMode.Commit) with { Stack = "worker" }, CancellationToken.None));

        Assert.Contains("no stack named 'worker'", failed.Message);
        Assert.Equal(head, await Git(remote, "rev-parse", "refs/heads/main"));
    }

    public void Dispose() => _scratch.Dispose();

    private async Task<(string Remote, string Head)> RemoteWithDesiredStateAsync(string content)
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("seed"));
        await work.CommitFileAsync(FilePath, content, "seed desired state");
        var remote = await work.CloneBareAsync(_scratch.Combine("remote.git"));
        return (remote, await Git(remote, "rev-parse", "refs/heads/main"));
    }

    private async Task<WorkRepository> HumanCloneAsync(string remote)
    {
        var human = await WorkRepository.InitAsync(_scratch.Combine("human"));
        await human.RunAsync("remote", "add", "origin", remote);
        await human.RunAsync("pull", "--quiet", "origin", "main");
        return human;
    }

    /// <summary>A human's commit pushed to the remote's main (called from the write-back's own thread, mid-attempt).</summary>
    private static string HumanPush(WorkRepository human, string path, string content, string message)
    {
        var commit = human.CommitFileAsync(path, content, message).GetAwaiter().GetResult();
        human.RunAsync("push", "--quiet", "origin", "HEAD:refs/heads/main").GetAwaiter().GetResult();
        return commit;
    }

    private static Task<WriteBackResult> CommitWithRaceAsync(WriteBackUnderTest sut, WriteBackRequest request, Action<int> beforePush)
    {
        var plan = sut.Get<GitCommitWriteBack>().Plan(request);
        // Off the test's synchronization context: the race callback blocks on the git CLI.
        return Task.Run(() => WriteBackClone.Commit(plan, Now, NullLogger.Instance, CancellationToken.None, beforePush));
    }

    private static async Task AssertAncestorAsync(string remote, string ancestor, string descendant) =>
        Assert.Equal("yes", await Git(remote, "merge-base", "--is-ancestor", ancestor, descendant).ContinueWith(
            task => task.IsCompletedSuccessfully ? "yes" : "no", TaskScheduler.Default));

    private static async Task<byte[]> ShowBytesAsync(string remote, string commit)
    {
        using var output = new MemoryStream();
        await global::CliWrap.Cli.Wrap("git").WithArguments(["show", $"{commit}:{FilePath}"]).WithWorkingDirectory(remote)
            .WithStandardOutputPipe(global::CliWrap.PipeTarget.ToStream(output)).ExecuteAsync();
        return output.ToArray();
    }

    private static Task<string> Git(string directory, params string[] arguments) => GitCli.RunAsync(directory, arguments);
}
