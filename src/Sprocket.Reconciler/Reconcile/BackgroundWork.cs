using System.Collections.Concurrent;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Every task the daemon starts besides its hosted services (applies, write-backs, applied-tag reads, tag searches),
/// so that shutdown can wait for them instead of abandoning them. Two kinds: work that must finish if it can
/// (an apply, a write-back: an interrupted <c>pulumi up</c> costs more than a slow stop) is cancelled only once the
/// grace has run out; work that can be redone later is cancelled as soon as the daemon stops.
/// </summary>
public sealed partial class BackgroundWork(TimeProvider time, ILogger<BackgroundWork> logger) : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _graceOver = new();
    private readonly ConcurrentDictionary<Task, string> _running = new();

    /// <summary>How many tasks run now.</summary>
    public int Count => _running.Count;

    /// <summary>Starts <paramref name="work"/> on the thread pool. It must report its own outcome (a loop message);
    /// an exception that escapes it is only logged.</summary>
    /// <param name="finishBeforeStop">True for work that shutdown waits for (up to the grace) before cancelling it.</param>
    public void Start(string what, bool finishBeforeStop, Func<CancellationToken, Task> work)
    {
        var token = finishBeforeStop ? _graceOver.Token : _stopping.Token;
        // Counted before it starts, so that "nothing runs" is never true while it does.
        var start = new Task<Task>(() => RunAsync(what, work, token));
        var task = start.Unwrap();
        _running[task] = what;
        _ = task.ContinueWith(done => _running.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        start.Start(TaskScheduler.Default);
    }

    private async Task RunAsync(string what, Func<CancellationToken, Task> work, CancellationToken token)
    {
        try
        {
            await work(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Cancelled by shutdown: nothing more to report.
        }
        catch (Exception ex)
        {
            LogCrashed(logger, ex, what);
        }
    }

    /// <summary>
    /// Cancels what can be redone, waits up to <paramref name="grace"/> for the rest, then asks it to cancel (pulumi gets
    /// SIGINT and ends its event log) and waits up to <paramref name="cancelGrace"/> more.
    /// </summary>
    public async Task StopAsync(TimeSpan grace, TimeSpan cancelGrace)
    {
        await _stopping.CancelAsync();
        var inFlight = _running.Keys.ToArray();
        if (inFlight.Length == 0) return;
        LogWaiting(logger, inFlight.Length, grace, string.Join(", ", _running.Values.Distinct()));
        var all = Task.WhenAll(inFlight);
        try
        {
            await all.WaitAsync(grace, time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            LogGraceExpired(logger);
            await _graceOver.CancelAsync();
            await all.WaitAsync(cancelGrace, time, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _graceOver.Dispose();
    }

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Shutting down: waiting up to {Grace} for {Count} task(s) in flight ({What})")]
    private static partial void LogWaiting(ILogger logger, int count, TimeSpan grace, string what);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "Shutdown grace expired; asking the work in flight to cancel")]
    private static partial void LogGraceExpired(ILogger logger);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Error, Message = "Background work {What} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception, string what);
}
