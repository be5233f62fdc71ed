using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// A rejected revision stays at the branch head until someone pushes a fix, and every poll fetches it again.
/// Its file is validated once (per git blob), yet the rejection is reported on every poll.
/// </summary>
public sealed class RejectedRevisionParseTests : IDisposable
{
    private const string Path = "desired-state.yaml";
    private static readonly string GoodState = DesiredStateYaml.Render(
        new DesiredStack("web", "git-aaa1111", new DesiredService("127.0.0.1:5555/sprocketbot/web", "prod-web*")));
    private const string BadState = "version: 1\nstacks: 42\n";

    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task A_rejected_revision_is_parsed_once_however_often_it_is_polled_and_reported_every_time()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var good = await work.CommitFileAsync(Path, GoodState);
        using var sut = TrackerUnderTest.Create(work.Directory, _scratch.Combine("data"));
        await sut.PollAsync();
        Assert.Equal(good, sut.Store.Current.Desired?.Revision);

        var bad = await work.CommitFileAsync(Path, BadState, "break it");
        var badBlob = await work.RunAsync("rev-parse", $"{bad}:{Path}");
        string? firstMessage = null;
        for (var poll = 1; poll <= 5; poll++)
        {
            sut.Time.Advance(TimeSpan.FromMinutes(1));
            await sut.PollAsync();

            var problem = sut.Store.Current.DesiredProblem;
            Assert.NotNull(problem);
            Assert.Equal((DesiredStateProblemKind.Invalid, bad, sut.Time.GetUtcNow()), (problem.Kind, problem.Revision, problem.At));
            firstMessage ??= problem.Message;
            Assert.Equal(firstMessage, problem.Message);
            Assert.Equal(good, sut.Store.Current.Desired?.Revision);
        }

        Assert.Contains("stacks", firstMessage);
        Assert.Equal(1, sut.ParsedBlobs().Count(blob => blob == badBlob));
        Assert.Equal(1, sut.Rejections.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task A_blob_seen_before_keeps_its_verdict_across_commits_reverts_and_reapplies()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        await work.CommitFileAsync(Path, GoodState);
        using var sut = TrackerUnderTest.Create(work.Directory, _scratch.Combine("data"));
        await sut.PollAsync();

        var bad = await work.CommitFileAsync(Path, BadState, "break it");
        await sut.PollAsync();
        var fixedAgain = await work.CommitFileAsync(Path, GoodState, "revert");
        await sut.PollAsync();
        Assert.Equal((fixedAgain, null), (sut.Store.Current.Desired?.Revision, sut.Store.Current.DesiredProblem));

        // The same bad content in a new commit: a new revision to reject and report, not a new file to parse.
        var badAgain = await work.CommitFileAsync(Path, BadState, "break it again");
        await sut.PollAsync();
        await sut.PollAsync();
        Assert.Equal(badAgain, sut.Store.Current.DesiredProblem?.Revision);
        Assert.Equal(fixedAgain, sut.Store.Current.Desired?.Revision);

        // Another file changes, the desired state does not: the new revision is in force without a parse.
        await work.RunAsync("revert", "--no-edit", badAgain);
        var unrelated = await work.CommitFileAsync("README.md", "not the desired state\n", "docs");
        await sut.PollAsync();
        Assert.Equal((unrelated, null), (sut.Store.Current.Desired?.Revision, sut.Store.Current.DesiredProblem));

        var goodBlob = await work.RunAsync("rev-parse", $"{fixedAgain}:{Path}");
        var badBlob = await work.RunAsync("rev-parse", $"{bad}:{Path}");
        Assert.Equal([goodBlob, badBlob], sut.ParsedBlobs());
        Assert.Equal(2, sut.Rejections.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    public void Dispose() => _scratch.Dispose();
}
