using System.Collections.Immutable;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.State;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The acting side of the loop. After each evaluation it asks the pure <see cref="ReconcilePolicy"/> what to do
/// for every stack, persists what the policy remembers, starts applies (one per stack at a time), schedules a
/// re-evaluation for waits (backoff, sync window) so a blocked apply is never lost, and publishes the outcome.
/// Holds and resumes from the API go through here too, so there is one writer of a stack's runtime state.
/// </summary>
public sealed partial class ReconcileCoordinator(
    StatusStore store,
    StackStateStore persisted,
    ApplyRunner runner,
    WriteBackRunner writeBacks,
    ILeadership leadership,
    EvaluationQueue queue,
    ReconcilerMetrics metrics,
    StackNotifications notifications,
    DesiredStateTracker desiredState,
    TimeProvider time,
    ILogger<ReconcileCoordinator> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (ITimer Timer, DateTimeOffset At)> _retries = new(StringComparer.Ordinal);
    private Dictionary<string, StackRuntimeState>? _states;

    /// <summary>Decides for every stack and starts what the decisions call for; returns the controls to publish
    /// together with the evaluation they were decided on.</summary>
    public ImmutableDictionary<string, StackControl> Reconcile(DesiredSnapshot desired, ImmutableArray<StackEvaluation> stacks, IReadOnlyList<EvaluationRequest> batch)
    {
        var now = time.GetUtcNow();
        var previous = store.Current;
        var controls = ImmutableDictionary.CreateBuilder<string, StackControl>(StringComparer.Ordinal);
        foreach (var evaluation in stacks)
        {
            var spec = desired.State.FindStack(evaluation.Stack);
            if (spec is null) continue;
            var trigger = TriggerFor(batch, spec.Name);
            var before = previous.ControlOf(spec.Name);
            var lastSynced = evaluation.Status == StackStatus.Synced ? now : before?.LastSyncedAt;
            if (runner.IsApplying(spec.Name) || writeBacks.IsWriting(spec.Name))
            {
                // A write-back runs while the stack stays held; an apply shows as applying.
                var busy = before ?? NewControl(evaluation);
                controls[spec.Name] = busy with
                {
                    Status = runner.IsApplying(spec.Name) ? StackStatus.Applying : busy.Status,
                    Applying = true, LastSyncedAt = lastSynced, State = StateOf(spec.Name),
                };
                continue;
            }

            var manual = batch.Any(r => r.Manual && r.Stack == spec.Name);
            var window = SyncWindowFor(spec, now);
            var decision = ReconcilePolicy.Decide(new ReconcileContext(spec, evaluation, StateOf(spec.Name), now,
                leadership.IsLeader, manual, window.Open, window.NextOpen, EngineRecreatesMissing: spec.Engine == StackEngine.Pulumi));
            Remember(spec.Name, decision.State, now);

            var outcome = decision.Action switch
            {
                ReconcileAction.Apply or ReconcileAction.Align => ReconcileOutcome.Applying,
                ReconcileAction.WriteBack => ReconcileOutcome.WritingBack,
                ReconcileAction.Wait => ReconcileOutcome.Waiting,
                _ when decision.Status == StackStatus.Held => ReconcileOutcome.Held,
                _ when decision.Status == StackStatus.Invalid => ReconcileOutcome.Invalid,
                _ => ReconcileOutcome.None,
            };
            var record = new StackReconcileRecord(now, trigger, outcome, decision.Message);
            // An unchanged verdict from a mere Swarm event is not a new reconcile worth a counter tick.
            if (outcome != ReconcileOutcome.None || trigger != ReconcileTrigger.Event) metrics.Reconciled(spec.Name, trigger, outcome);

            var applying = decision.Action switch
            {
                ReconcileAction.Apply => runner.TryStart(new ApplyStart(desired, spec, evaluation, trigger.Spell()), completion => Completed(spec, completion)),
                ReconcileAction.Align => runner.TryStart(new ApplyStart(desired, spec, evaluation, trigger.Spell(), ApplyMode.Align), completion => Completed(spec, completion)),
                ReconcileAction.WriteBack => writeBacks.TryStart(desired, spec, decision.State.Incident!, written => WrittenBack(desired, spec, evaluation, decision.State.Incident!, written)),
                _ => false,
            };
            if (decision.RetryAt is { } retryAt) RetryAt(spec.Name, retryAt);

            var control = new StackControl(decision.Status, decision.Message, decision.State, record, applying, lastSynced);
            notifications.StatusChanged(desired, evaluation, before, control);
            controls[spec.Name] = control;
        }
        return controls.ToImmutable();
    }

    /// <summary>The API's hold: kept until resumed or until git names another tag.</summary>
    public void Hold(string stack, string by)
    {
        var now = time.GetUtcNow();
        Remember(stack, StateOf(stack) with { Hold = new StackHold(HoldReason.Manual, $"held through the API by {by}", now, Manual: true) }, now);
        queue.Request(new EvaluationRequest(ReconcileTrigger.Api, Stack: stack));
    }

    /// <summary>The API's resume (see <see cref="ReconcilePolicy.Resume"/>), then a manual pass that may act at once.</summary>
    public void Resume(string stack)
    {
        var now = time.GetUtcNow();
        Remember(stack, ReconcilePolicy.Resume(StateOf(stack)), now);
        queue.Request(new EvaluationRequest(ReconcileTrigger.Api, Stack: stack, Manual: true));
    }

    public StackRuntimeState StateOf(string stack)
    {
        lock (_gate)
        {
            _states ??= new Dictionary<string, StackRuntimeState>(persisted.LoadAll(), StringComparer.Ordinal);
            return _states.GetValueOrDefault(stack) ?? StackRuntimeState.Initial;
        }
    }

    private void Completed(StackSpec spec, ApplyCompletion completion)
    {
        var now = time.GetUtcNow();
        metrics.Reconciled(spec.Name, ReconcileTrigger.Apply, completion.Outcome);
        if (completion.Kind is { } kind)
        {
            var before = StateOf(spec.Name);
            var after = ReconcilePolicy.AfterApply(before, spec, kind, completion.Message, now);
            // An align that succeeded completes a realignment: git, the engine and the Swarm agree again.
            if (before.Incident is not null && after.Incident is null) metrics.Aligned(spec.Name);
            Remember(spec.Name, after, now);
        }
        var record = new StackReconcileRecord(now, ReconcileTrigger.Apply, completion.Outcome, completion.Message);
        store.Update(s => s.ControlOf(spec.Name) is { } control
            ? s with { Control = s.Control!.SetItem(spec.Name, control with { LastReconcile = record, Applying = false }) }
            : s);
    }

    private void WrittenBack(DesiredSnapshot desired, StackSpec spec, StackEvaluation evaluation, RollbackIncident incident, IncidentWriteOutcome outcome)
    {
        var now = time.GetUtcNow();
        if (outcome.Record is { Kind: not WriteBackKind.Superseded } written)
            notifications.Realigned(desired, evaluation, incident.GoodTag ?? "", incident.BadTag, $"{incident.GoodTag} written back to git ({written.Kind.Spell()} {written.Reference})");
        // Our own commit is in git now: fetch it at once rather than at the next poll, so alignment follows.
        if (outcome.Record?.Kind == WriteBackKind.Commit) _ = desiredState.RefreshAsync(ReconcileTrigger.Apply, CancellationToken.None);
        var result = outcome.Record?.Kind ?? WriteBackKind.Failed;
        metrics.Realigned(spec.Name, result);
        Remember(spec.Name, ReconcilePolicy.AfterWriteBack(StateOf(spec.Name), outcome.Record, outcome.Message, now), now);
        var record = new StackReconcileRecord(now, ReconcileTrigger.Apply,
            outcome.Record is null ? ReconcileOutcome.Failed : ReconcileOutcome.WrittenBack, outcome.Message);
        store.Update(s => s.ControlOf(spec.Name) is { } control
            ? s with { Control = s.Control!.SetItem(spec.Name, control with { LastReconcile = record, Applying = false }) }
            : s);
    }

    private void Remember(string stack, StackRuntimeState state, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (StateOf(stack) == state) return;
            _states![stack] = state;
            persisted.Save(stack, state, now);
        }
    }

    private void RetryAt(string stack, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_retries.TryGetValue(stack, out var existing))
            {
                if (existing.At == at) return;
                existing.Timer.Dispose();
            }
            var delay = at - time.GetUtcNow();
            _retries[stack] = (time.CreateTimer(_ => queue.Request(new EvaluationRequest(ReconcileTrigger.Retry, Stack: stack)),
                null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan), at);
        }
        LogRetryScheduled(logger, stack, at);
    }

    private static (bool Open, DateTimeOffset? NextOpen) SyncWindowFor(StackSpec spec, DateTimeOffset now)
    {
        if (spec.Policy.SyncWindows.IsDefaultOrEmpty) return (true, null);
        var verdict = SyncWindows.Evaluate(spec.Policy.SyncWindows, now);
        return (verdict.Open, verdict.NextOpen);
    }

    private static ReconcileTrigger TriggerFor(IReadOnlyList<EvaluationRequest> batch, string stack) =>
        batch.FirstOrDefault(r => r.Stack == stack)?.Trigger
        ?? batch.FirstOrDefault(r => r.Stack is null && r.Trigger != ReconcileTrigger.Event)?.Trigger
        ?? batch[0].Trigger;

    private static StackControl NewControl(StackEvaluation evaluation) =>
        new(evaluation.Status, evaluation.Message, StackRuntimeState.Initial, null, false, null);

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var retry in _retries.Values) retry.Timer.Dispose();
            _retries.Clear();
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Stack {Stack} waits; re-evaluating at {At}")]
    private static partial void LogRetryScheduled(ILogger logger, string stack, DateTimeOffset at);
}
