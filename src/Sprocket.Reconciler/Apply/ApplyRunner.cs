using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Notify;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Apply;

/// <summary>
/// Runs one apply to its end: pins the images (pre-flight), records it as a deployment BOM, hands it to the stack's
/// engine and reports the outcome. It decides nothing and keeps no state: <see cref="ReconcileLoop"/> decides, starts
/// it as background work (at most one per stack) and records the completion. The token is cancelled only when the
/// shutdown grace has run out, never by the SIGTERM itself.
/// </summary>
public sealed partial class ApplyRunner(
    ApplyEngines engines,
    ApplyPreflight preflight,
    ApplyHistory history,
    ReconcilerMetrics metrics,
    StackNotifications notifications,
    TimeProvider time,
    ILogger<ApplyRunner> logger)
{
    public async Task<ApplyCompletion> RunAsync(ApplyStart start, CancellationToken cancellationToken)
    {
        var stack = start.Stack;
        var began = time.GetTimestamp();
        var engine = engines.For(stack);
        if (engine is null)
            return new(stack.Name, ReconcileOutcome.Misconfigured, ApplyOutcome.Misconfigured, $"no {ApplyEngines.NameOf(stack)} engine is configured in this daemon", TimeSpan.Zero);

        var pinned = await preflight.PinAsync(start.Desired.State, stack, start.Evaluation, cancellationToken);
        if (pinned.Refusal is { } refusal)
        {
            LogRefused(logger, stack.Name, refusal);
            if (pinned.RegistryDown)
                return new(stack.Name, ReconcileOutcome.Waiting, ApplyOutcome.RegistryUnavailable, refusal, TimeSpan.Zero, pinned.RetryAfter);
            return pinned.Invalid
                ? new(stack.Name, ReconcileOutcome.Invalid, null, refusal, TimeSpan.Zero)
                : new(stack.Name, ReconcileOutcome.Failed, ApplyOutcome.Failed, refusal, TimeSpan.Zero);
        }

        var before = start.Evaluation.Services.Where(s => !s.ObserveOnly)
            .Select(s => new ApplyRecordService(s.Name, s.Repository, s.LiveImage, null)).ToList();
        var request = new ApplyRequest(stack, stack.ImageTag, pinned.Images, start.Mode, start.Desired.Revision, start.Trigger);
        var recordId = history.Started(new ApplyRecord(0, stack.Name, engine.Engine, start.Mode.ToString(), start.Trigger.Spell(),
            start.Desired.Revision, stack.ImageTag, time.GetUtcNow(), null, null, null, before));
        LogApplyStarted(logger, stack.Name, engine.Engine, stack.ImageTag, start.Trigger.Spell(), pinned.Images.Count);

        if (start.Mode == ApplyMode.Deploy)
            notifications.Deploy(NotificationKind.DeployStarted, start.Desired, start.Evaluation, $"applying {stack.ImageTag} with {engine.Engine} ({start.Trigger.Spell()})");
        var result = await engine.ApplyAsync(request, new Progress(logger, stack.Name), cancellationToken);

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
}

/// <summary>What to apply: the snapshot in force, the stack, the evaluation that called for it.</summary>
public sealed record ApplyStart(DesiredSnapshot Desired, StackSpec Stack, StackEvaluation Evaluation, ReconcileTrigger Trigger, ApplyMode Mode = ApplyMode.Deploy);

/// <summary>How an apply ended. <paramref name="Kind"/> is null when nothing was attempted (a refused pre-flight).
/// <paramref name="RetryAfter"/>: how long the registry asked us to wait, when a pre-flight was rate limited.</summary>
public sealed record ApplyCompletion(string Stack, ReconcileOutcome Outcome, ApplyOutcome? Kind, string Message, TimeSpan Duration, TimeSpan? RetryAfter = null);
