using Quartz;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>Quartz job: fetch the desired state on <c>DesiredState:PollInterval</c>; never two at once.</summary>
[DisallowConcurrentExecution]
public sealed class DesiredStatePollJob(DesiredStateTracker tracker) : IJob
{
    public static readonly JobKey Key = new("desired-state-poll");

    /// <summary>Job data naming what fired an out-of-schedule run (the webhook), spelled; absent for the schedule.</summary>
    public const string TriggerKey = "trigger";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await tracker.RefreshAsync(
            ReconcileTriggers.Spellings.TryParse(context.MergedJobDataMap.GetString(TriggerKey), out var trigger) ? trigger : ReconcileTrigger.Poll,
            cancellationToken);
}
