using System.Text;
using LibGit2Sharp;
using Sprocket.Reconciler.Git;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>The git source against real repositories made with the git CLI: by path, bare, and file://.</summary>
public sealed class GitDesiredStateSourceTests : IDisposable
{
    private const string FirstState = "version: 1\nstacks: []\n";
    private const string SecondState = "version: 1\nstacks: []\n# second\n";

    private readonly ScratchDirectory _scratch = new();

    private string DataDirectory => _scratch.Combine("data");

    [Fact]
    public async Task Fetch_FromLocalWorkingRepository_ReturnsFileAndFullRevisionIntoABareClone()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var revision = await work.CommitFileAsync("desired-state.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);

        var fetched = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(revision, fetched.Revision);
        Assert.Matches("^[0-9a-f]{40}$", fetched.Revision);
        Assert.Equal(FirstState, Encoding.UTF8.GetString(fetched.Content.Span));
        Assert.Equal("desired-state.yaml", fetched.Path);
        Assert.Equal("main", fetched.Branch);
        Assert.Equal(work.Directory, fetched.Repository);
        var clone = Assert.Single(sut.CloneDirectories());
        using var repository = new Repository(clone);
        Assert.True(repository.Info.IsBare);
        Assert.Equal(revision, repository.Refs["refs/remotes/origin/main"]!.TargetIdentifier);
        Assert.Empty(sut.CountedFailures());
        // Every reason's series exists from the first fetch, at 0: a dashboard's increase() sees the first failure.
        Assert.Equal(["auth", "branch-missing", "file-missing", "storage", "unreachable"],
            sut.Failures.GetMeasurementSnapshot().Select(m => (string)m.Tags["reason"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Fetch_FromBareRepositoryByPath_ReadsFileInSubfolder()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var revision = await work.CommitFileAsync("env/prod/desired.yaml", FirstState);
        var bare = await work.CloneBareAsync(_scratch.Combine("remote.git"));
        using var sut = SourceUnderTest.Create(bare, DataDirectory, path: "env/prod/desired.yaml");

        var fetched = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(revision, fetched.Revision);
        Assert.Equal("env/prod/desired.yaml", fetched.Path);
        Assert.Equal(FirstState, Encoding.UTF8.GetString(fetched.Content.Span));
    }

    [Fact]
    public async Task Fetch_FromFileUrl_ReturnsFileAndRevision()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var revision = await work.CommitFileAsync("desired-state.yaml", FirstState);
        var bare = await work.CloneBareAsync(_scratch.Combine("remote.git"));
        var url = new Uri(bare).AbsoluteUri;
        Assert.StartsWith("file:///", url);
        using var sut = SourceUnderTest.Create(url, DataDirectory);

        var fetched = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(revision, fetched.Revision);
        Assert.Equal(url, fetched.Repository);
        Assert.Equal(FirstState, Encoding.UTF8.GetString(fetched.Content.Span));
    }

    [Fact]
    public async Task Fetch_AfterANewCommit_ReturnsTheNewRevisionFromTheSameClone()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var first = await work.CommitFileAsync("desired-state.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);
        Assert.Equal(first, FetchAssert.Fetched(await sut.FetchAsync()).Revision);
        var clone = Assert.Single(sut.CloneDirectories());

        var second = await work.CommitFileAsync("desired-state.yaml", SecondState);
        var fetched = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(second, fetched.Revision);
        Assert.Equal(SecondState, Encoding.UTF8.GetString(fetched.Content.Span));
        Assert.Equal(clone, Assert.Single(sut.CloneDirectories()));
        Assert.Contains(sut.Logs.GetSnapshot(), log => log.Id.Id == 2101 && log.Message.Contains(second));
    }

    [Fact]
    public async Task Fetch_WhenTheBranchOptionChanges_ReadsTheOtherBranchAndBack()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var mainRevision = await work.CommitFileAsync("desired-state.yaml", FirstState);
        await work.RunAsync("checkout", "--quiet", "-b", "release");
        var releaseRevision = await work.CommitFileAsync("desired-state.yaml", SecondState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);
        Assert.Equal(mainRevision, FetchAssert.Fetched(await sut.FetchAsync()).Revision);

        sut.Reconfigure("Reconciler:DesiredState:Branch", "release");
        var release = FetchAssert.Fetched(await sut.FetchAsync());
        sut.Reconfigure("Reconciler:DesiredState:Branch", "main");
        var backOnMain = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(("release", releaseRevision, SecondState), (release.Branch, release.Revision, Encoding.UTF8.GetString(release.Content.Span)));
        Assert.Equal(("main", mainRevision, FirstState), (backOnMain.Branch, backOnMain.Revision, Encoding.UTF8.GetString(backOnMain.Content.Span)));
        Assert.Single(sut.CloneDirectories());
    }

    [Fact]
    public async Task Fetch_WhenTheFileIsMissing_FailsTypedAndCountsIt()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var revision = await work.CommitFileAsync("other.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.FileMissing);

        Assert.Contains("'desired-state.yaml'", failed.Message);
        Assert.Contains(revision, failed.Message);
        AssertCountedOnce(sut, work.Directory, "file-missing");
        Assert.Contains(sut.Logs.GetSnapshot(), log => log.Id.Id == 2103 && log.Message.Contains("file-missing"));
    }

    [Fact]
    public async Task Fetch_AfterAForcePushToAHeadWithoutTheFile_ReportsTheForcePushOnce()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var first = await work.CommitFileAsync("desired-state.yaml", FirstState);
        var second = await work.CommitFileAsync("desired-state.yaml", SecondState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);
        FetchAssert.Fetched(await sut.FetchAsync());
        await work.RunAsync("reset", "--quiet", "--hard", first);
        File.Delete(Path.Combine(work.Directory, "desired-state.yaml"));
        var rewritten = await work.CommitFileAsync("other.yaml", FirstState, "drop the desired state");

        FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.FileMissing);
        FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.FileMissing);

        var reported = Assert.Single(sut.Logs.GetSnapshot(), log => log.Id.Id == 2105);
        Assert.Contains(second, reported.Message);
        Assert.Contains(rewritten, reported.Message);
        Assert.Contains("rewritten", reported.Message);
    }

    [Fact]
    public async Task Fetch_WhenThePathIsAFolder_FailsAsFileMissing()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        await work.CommitFileAsync("desired-state.yaml/inner.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.FileMissing);

    }

    [Fact]
    public async Task Fetch_WhenTheBranchIsMissing_FailsTypedWithoutCloning()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        await work.CommitFileAsync("desired-state.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory, branch: "does-not-exist");

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.BranchMissing);

        Assert.Contains("'does-not-exist'", failed.Message);
        Assert.Empty(sut.CloneDirectories());
        AssertCountedOnce(sut, work.Directory, "branch-missing");
    }

    [Fact]
    public async Task Fetch_WhenTheRemoteDisappears_FailsUnreachableAndThePreviousCloneKeepsWorking()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var first = await work.CommitFileAsync("desired-state.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);
        FetchAssert.Fetched(await sut.FetchAsync());
        var clone = Assert.Single(sut.CloneDirectories());

        var parked = _scratch.Combine("parked");
        Directory.Move(work.Directory, parked);
        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.Unreachable);

        Assert.Contains(work.Directory, failed.Message);
        AssertCountedOnce(sut, work.Directory, "unreachable");
        Assert.Equal(clone, Assert.Single(sut.CloneDirectories()));
        using (var kept = new Repository(clone))
            Assert.Equal(first, kept.Refs["refs/remotes/origin/main"]!.TargetIdentifier);

        Directory.Move(parked, work.Directory);
        var second = await work.CommitFileAsync("desired-state.yaml", SecondState);
        var recovered = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(second, recovered.Revision);
        Assert.Equal(clone, Assert.Single(sut.CloneDirectories()));
    }

    [Fact]
    public async Task Fetch_FromAPathThatNeverExisted_FailsUnreachableAndLeavesNothingBehind()
    {
        var missing = _scratch.Combine("no-such-repository");
        using var sut = SourceUnderTest.Create(missing, DataDirectory);

        var failed = FetchAssert.Failed(await sut.FetchAsync(), DesiredFetchFailureReason.Unreachable);

        Assert.Empty(sut.CloneDirectories());
        AssertCountedOnce(sut, missing, "unreachable");
    }

    public enum Corruption { MetadataLost, EmptiedFolder, ObjectsDeleted, ObjectsFolderIsAFile }

    [Theory]
    [InlineData(Corruption.MetadataLost)]
    [InlineData(Corruption.EmptiedFolder)]
    [InlineData(Corruption.ObjectsDeleted)]
    [InlineData(Corruption.ObjectsFolderIsAFile)]
    public async Task Fetch_WhenTheCloneIsCorrupt_ReclonesAndSucceeds(Corruption corruption)
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var revision = await work.CommitFileAsync("desired-state.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);
        FetchAssert.Fetched(await sut.FetchAsync());
        var clone = Assert.Single(sut.CloneDirectories());

        Corrupt(clone, corruption);
        var fetched = FetchAssert.Fetched(await sut.FetchAsync());

        Assert.Equal(revision, fetched.Revision);
        Assert.Equal(FirstState, Encoding.UTF8.GetString(fetched.Content.Span));
        Assert.Equal(clone, Assert.Single(sut.CloneDirectories()));
        Assert.True(Repository.IsValid(clone));
        Assert.Contains(sut.Logs.GetSnapshot(), log => log.Id.Id == 2104);
        Assert.Empty(sut.CountedFailures());
    }

    [Fact]
    public async Task Fetch_CalledConcurrently_SerializesAndAllSucceedWithOneClone()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var revision = await work.CommitFileAsync("desired-state.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => sut.FetchAsync()));

        Assert.All(results, result => Assert.Equal(revision, FetchAssert.Fetched(result).Revision));
        Assert.Single(sut.CloneDirectories());
        Assert.Single(sut.Logs.GetSnapshot(), log => log.Id.Id == 2100);
    }

    [Fact]
    public async Task Fetch_WithACancelledToken_Throws()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        await work.CommitFileAsync("desired-state.yaml", FirstState);
        using var sut = SourceUnderTest.Create(work.Directory, DataDirectory);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.Source.FetchAsync(new CancellationToken(canceled: true)));
        Assert.Empty(sut.CountedFailures());
    }

    private static void Corrupt(string clone, Corruption corruption)
    {
        switch (corruption)
        {
            case Corruption.MetadataLost:
                File.Delete(Path.Combine(clone, "HEAD"));
                Directory.Delete(Path.Combine(clone, "refs"), recursive: true);
                break;
            case Corruption.EmptiedFolder:
                Directory.Delete(clone, recursive: true);
                Directory.CreateDirectory(clone);
                break;
            case Corruption.ObjectsDeleted:
                var objects = Path.Combine(clone, "objects");
                Directory.Delete(objects, recursive: true);
                Directory.CreateDirectory(objects);
                break;
            case Corruption.ObjectsFolderIsAFile:
                Directory.Delete(Path.Combine(clone, "objects"), recursive: true);
                File.WriteAllText(Path.Combine(clone, "objects"), "not a folder");
                break;
        }
    }

    private static void AssertCountedOnce(SourceUnderTest sut, string repository, string reason)
    {
        var measurement = Assert.Single(sut.CountedFailures());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(repository, measurement.Tags["repository"]);
        Assert.Equal(reason, measurement.Tags["reason"]);
    }

    public void Dispose() => _scratch.Dispose();
}
