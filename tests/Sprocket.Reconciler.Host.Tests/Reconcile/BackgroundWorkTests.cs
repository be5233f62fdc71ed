using Microsoft.Extensions.Logging.Abstractions;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests.Reconcile;

/// <summary>Shutdown waits for the work that must finish (applies, write-backs) and stops the rest at once.</summary>
public sealed class BackgroundWorkTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stopping_waits_for_an_apply_in_flight_and_cancels_a_read_at_once()
    {
        using var work = new BackgroundWork(TimeProvider.System, NullLogger<BackgroundWork>.Instance);
        var apply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var applyCancelled = false;
        var readCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Start("apply", finishBeforeStop: true, async token =>
        {
            try
            {
                await apply.Task.WaitAsync(token);
            }
            catch (OperationCanceledException)
            {
                applyCancelled = true;
                throw;
            }
        });
        work.Start("read", finishBeforeStop: false, async token =>
        {
            await using var registration = token.Register(() => readCancelled.TrySetResult());
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        });
        Assert.Equal(2, work.Count);

        var stopping = work.StopAsync(Long, Long);
        await readCancelled.Task.WaitAsync(Long);
        Assert.False(stopping.IsCompleted);

        apply.SetResult();
        await stopping.WaitAsync(Long);
        Assert.False(applyCancelled);
        Assert.Equal(0, work.Count);
    }

    [Fact]
    public async Task An_apply_that_outlasts_the_grace_is_asked_to_cancel()
    {
        using var work = new BackgroundWork(TimeProvider.System, NullLogger<BackgroundWork>.Instance);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Start("apply", finishBeforeStop: true, async token =>
        {
            await using var registration = token.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        });

        await work.StopAsync(TimeSpan.FromMilliseconds(50), Long);

        Assert.True(cancelled.Task.IsCompleted);
        Assert.Equal(0, work.Count);
    }

    [Fact]
    public async Task Work_is_counted_from_the_moment_it_is_started_until_it_has_ended()
    {
        using var work = new BackgroundWork(TimeProvider.System, NullLogger<BackgroundWork>.Instance);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Start("write-back", finishBeforeStop: true, _ => release.Task);
        Assert.Equal(1, work.Count);

        release.SetResult();
        await Eventually.Until(() => Task.FromResult(work.Count == 0), Long, "the ended work no longer counted");
    }
}
