using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// A desired-state file over the size limit is refused from its git object header, never read: a 300 MB file of
/// one repeated byte is a few hundred KB in .git, and reading it whole once took the daemon from 0.6 to 2.5 GB.
/// Memory is checked as managed bytes allocated, which counts every copy the reader could make of the blob.
/// </summary>
[Collection(AllocationMeasuringCollection.Name)]
public sealed class OversizeBlobTests(HugeBlobRepository huge) : IClassFixture<HugeBlobRepository>, IDisposable
{
    private const string Path = HugeBlobRepository.Path;

    private readonly ScratchDirectory _scratch = new();

    [Fact]
    public async Task A_300_MB_file_is_refused_from_its_header_without_being_read()
    {
        var remote = await huge.CloneAtAsync(_scratch.Combine("remote.git"), huge.HugeRevision);
        using var sut = SourceUnderTest.Create(remote, _scratch.Combine("data"));

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var result = await sut.FetchAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.True(allocated < HugeBlobRepository.Size / 10,
            $"the fetch allocated {allocated:N0} bytes for a {HugeBlobRepository.Size:N0}-byte file it should not read");
        var tooLarge = Assert.IsType<DesiredFetchResult.TooLarge>(result);
        Assert.Equal((huge.HugeRevision, Path, HugeBlobRepository.Size, huge.HugeBlobId),
            (tooLarge.Revision, tooLarge.Path, tooLarge.Size, tooLarge.BlobId));
        Assert.Empty(sut.CountedFailures());
    }

    [Fact]
    public async Task A_300_MB_file_is_rejected_naming_file_size_and_limit_and_the_last_good_state_stays()
    {
        var remote = await huge.CloneAtAsync(_scratch.Combine("remote.git"), huge.GoodRevision);
        using var sut = TrackerUnderTest.Create(remote, _scratch.Combine("data"));
        await sut.PollAsync();
        Assert.Equal(huge.GoodRevision, sut.Store.Current.Desired?.Revision);
        await HugeBlobRepository.MoveMainAsync(remote, huge.HugeRevision);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await sut.PollAsync();
        await sut.PollAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.True(allocated < HugeBlobRepository.Size / 10,
            $"two polls allocated {allocated:N0} bytes for a {HugeBlobRepository.Size:N0}-byte file they should not read");
        var problem = sut.Store.Current.DesiredProblem;
        Assert.NotNull(problem);
        Assert.Equal(
            (DesiredStateProblemKind.Invalid, huge.HugeRevision,
                $"{Path}: $: the file is 314,572,800 bytes, over the limit of 1,048,576 bytes (1 MiB); it was not read"),
            (problem.Kind, problem.Revision, problem.Message));
        Assert.Equal(huge.GoodRevision, sut.Store.Current.Desired?.Revision);
        Assert.Equal(1, sut.Rejections.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task A_file_at_the_limit_is_read_and_one_byte_more_is_not()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        await work.CommitRepeatedByteFileAsync(Path, (byte)'#', DesiredStateParser.MaxFileBytes);
        using var sut = SourceUnderTest.Create(work.Directory, _scratch.Combine("data"));

        var atLimit = FetchAssert.Fetched(await sut.FetchAsync());
        Assert.Equal(DesiredStateParser.MaxFileBytes, atLimit.Content.Length);
        Assert.True(atLimit.Content.Span.IndexOfAnyExcept((byte)'#') < 0, "the content read is not the file");

        await work.CommitRepeatedByteFileAsync(Path, (byte)'#', DesiredStateParser.MaxFileBytes + 1L);
        var overLimit = Assert.IsType<DesiredFetchResult.TooLarge>(await sut.FetchAsync());
        Assert.Equal(DesiredStateParser.MaxFileBytes + 1L, overLimit.Size);
    }

    public void Dispose() => _scratch.Dispose();
}
