using Quartz;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>Quartz job: fetch the desired state on <c>DesiredState:PollInterval</c>; never two at once.</summary>
[DisallowConcurrentExecution]
public sealed class DesiredStatePollJob(DesiredStateTracker tracker) : IJob
{
    public static readonly JobKey Key = new("desired-state-poll");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await tracker.RefreshAsync(ReconcileTrigger.Poll, cancellationToken);
}
