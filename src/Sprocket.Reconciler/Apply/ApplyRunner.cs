using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Apply;

/// <summary>
/// Runs applies in the background, at most one per stack, and records each as a deployment BOM. Applies are
/// not tied to the host's stopping token: on SIGTERM the runner waits for them (up to the shutdown grace)
/// instead of killing <c>pulumi up</c> mid-update; only after the grace does it ask the engine to cancel.
/// </summary>
public sealed partial class ApplyRunner(
    IEnumerable<IApplyEngine> engines,
    ApplyPreflight preflight,
    ApplyHistory history,
    EvaluationQueue queue,
    ReconcilerMetrics metrics,
    StackNotifications notifications,
    IOptions<ApplyOptions> options,
    TimeProvider time,
    ILogger<ApplyRunner> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cancelApplies = new();
    private readonly Dictionary<string, IApplyEngine> _engines = engines.ToDictionary(e => e.Engine, StringComparer.Ordinal);

    public bool IsApplying(string stack) => _running.ContainsKey(stack);

    public IApplyEngine? EngineFor(StackSpec stack) => _engines.GetValueOrDefault(EngineName(stack));

    public static string EngineName(StackSpec stack) => stack.Engine == StackEngine.Pulumi ? "pulumi" : "swarm";

    /// <summary>Starts an apply unless one runs for the stack already; <paramref name="done"/> gets the outcome.</summary>
    public bool TryStart(ApplyStart start, Action<ApplyCompletion> done)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_running.TryAdd(start.Stack.Name, gate.Task)) return false;
        _ = Task.Run(async () =>
        {
            try
            {
                done(await RunAsync(start));
            }
            catch (Exception ex)
            {
                LogApplyCrashed(logger, ex, start.Stack.Name);
                done(new ApplyCompletion(start.Stack.Name, ReconcileOutcome.Failed, ApplyOutcome.Failed, "apply crashed: " + ex.Message, TimeSpan.Zero));
            }
            finally
            {
                _running.TryRemove(start.Stack.Name, out _);
                gate.SetResult();
                queue.Request(new EvaluationRequest(ReconcileTrigger.Apply, Stack: start.Stack.Name));
            }
        });
        return true;
    }

    private async Task<ApplyCompletion> RunAsync(ApplyStart start)
    {
        var stack = start.Stack;
        var began = time.GetTimestamp();
        var engine = EngineFor(stack);
        if (engine is null)
            return new(stack.Name, ReconcileOutcome.Misconfigured, ApplyOutcome.Misconfigured, $"no {EngineName(stack)} engine is configured in this daemon", TimeSpan.Zero);

        var pinned = await preflight.PinAsync(start.Desired.State, stack, start.Evaluation, _cancelApplies.Token);
        if (pinned.Refusal is { } refusal)
        {
            LogRefused(logger, stack.Name, refusal);
            return pinned.Invalid
                ? new(stack.Name, ReconcileOutcome.Invalid, null, refusal, TimeSpan.Zero)
                : new(stack.Name, ReconcileOutcome.Failed, ApplyOutcome.Failed, refusal, TimeSpan.Zero);
        }

        var before = start.Evaluation.Services.Where(s => !s.ObserveOnly)
            .Select(s => new ApplyRecordService(s.Name, s.Repository, s.LiveImage, null)).ToList();
        var request = new ApplyRequest(stack, stack.ImageTag, pinned.Images, start.Mode, start.Desired.Revision, start.Trigger);
        var recordId = history.Started(new ApplyRecord(0, stack.Name, engine.Engine, start.Mode.ToString(), start.Trigger,
            start.Desired.Revision, stack.ImageTag, time.GetUtcNow(), null, null, null, before));
        LogApplyStarted(logger, stack.Name, engine.Engine, stack.ImageTag, start.Trigger, pinned.Images.Count);

        if (start.Mode == ApplyMode.Deploy)
            notifications.Deploy(NotificationKind.DeployStarted, start.Desired, start.Evaluation, $"applying {stack.ImageTag} with {engine.Engine} ({start.Trigger})");
        var result = await engine.ApplyAsync(request, new Progress(logger, stack.Name), _cancelApplies.Token);

        var duration = time.GetElapsedTime(began);
        var after = before.Select(b => b with
        {
            ImageAfter = result.Changes.FirstOrDefault(c => c.ServiceName == b.Service)?.ImageAfter ?? b.ImageBefore,
        }).ToList();
        history.Finished(recordId, time.GetUtcNow(), result.Outcome.ToString(), result.Message, after, result.Preview);
        metrics.ApplyFinished(stack.Name, engine.Engine, ReconcileOutcome.Of(result.Outcome), duration);
        LogApplyFinished(logger, stack.Name, result.Outcome.ToString(), duration, result.Message);
        if (start.Mode == ApplyMode.Align)
        {
            if (result.Succeeded)
                notifications.Realigned(start.Desired, start.Evaluation, stack.ImageTag, stack.ImageTag, $"{engine.Engine} state aligned with {stack.ImageTag}, which runs");
        }
        else
        {
            notifications.Deploy(result.Succeeded ? NotificationKind.DeploySucceeded : NotificationKind.DeployFailed,
                start.Desired, start.Evaluation, result.Message, duration);
        }
        return new(stack.Name, ReconcileOutcome.Of(result.Outcome), result.Outcome, result.Message, duration);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var inFlight = _running.Values.ToArray();
        if (inFlight.Length == 0) return;
        LogWaitingForApplies(logger, inFlight.Length, options.Value.ShutdownGrace);
        var all = Task.WhenAll(inFlight);
        try
        {
            await all.WaitAsync(options.Value.ShutdownGrace, time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // The grace ran out: ask engines to stop cleanly (pulumi gets SIGINT and writes its cancel event).
            LogGraceExpired(logger);
            await _cancelApplies.CancelAsync();
            await all.WaitAsync(ApplyOptions.CancelGrace, time, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private sealed class Progress(ILogger logger, string stack) : IProgress<ApplyProgress>
    {
        public void Report(ApplyProgress value) => LogProgress(logger, stack, value.Message);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Applying {Tag} to stack {Stack} with {Engine} ({Trigger}, {ServiceCount} services)")]
    private static partial void LogApplyStarted(ILogger logger, string stack, string engine, string tag, string trigger, int serviceCount);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Apply on stack {Stack} ended {Outcome} after {Duration}: {Message}")]
    private static partial void LogApplyFinished(ILogger logger, string stack, string outcome, TimeSpan duration, string message);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Nothing applied to stack {Stack}: {Refusal}")]
    private static partial void LogRefused(ILogger logger, string stack, string refusal);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Stack {Stack}: {Message}")]
    private static partial void LogProgress(ILogger logger, string stack, string message);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Shutting down: waiting up to {Grace} for {Count} apply(s) in flight")]
    private static partial void LogWaitingForApplies(ILogger logger, int count, TimeSpan grace);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "Shutdown grace expired; asking applies in flight to cancel")]
    private static partial void LogGraceExpired(ILogger logger);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Error, Message = "Apply on stack {Stack} crashed")]
    private static partial void LogApplyCrashed(ILogger logger, Exception exception, string stack);
}

/// <summary>What to apply: the snapshot in force, the stack, the evaluation that called for it.</summary>
public sealed record ApplyStart(DesiredSnapshot Desired, StackSpec Stack, StackEvaluation Evaluation, string Trigger, ApplyMode Mode = ApplyMode.Deploy);

/// <summary>How an apply ended. <paramref name="Kind"/> is null when nothing was attempted (a refused pre-flight).</summary>
public sealed record ApplyCompletion(string Stack, ReconcileOutcome Outcome, ApplyOutcome? Kind, string Message, TimeSpan Duration);
