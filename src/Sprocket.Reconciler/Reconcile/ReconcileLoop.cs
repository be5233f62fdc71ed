using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Hosting;
using Sprocket.Reconciler.State;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The one owner of every stack's state. Everything that can change a stack arrives as a <see cref="LoopMessage"/>;
/// the loop takes whatever is waiting, records what the messages say (each change one SQLite write and one published
/// snapshot), then, when something asked for it, makes one pass: look (<see cref="LiveObservation"/>), and for each stack
/// <see cref="ReconcileStack"/> — decide, act, record — which says when to look again. Slow work (applies, write-backs)
/// runs in the background and comes back as messages; nothing else writes stack state, so nothing can overwrite it.
/// </summary>
public sealed partial class ReconcileLoop(
    LoopInbox inbox,
    StatusStore store,
    StackStateStore persisted,
    ApplyHistory history,
    LiveObservation observation,
    StackActions actions,
    BackgroundWork work,
    ILeadership leadership,
    LiveMemories memories,
    ReconcilerMetrics metrics,
    StackNotifications notifications,
    StackTimeline timeline,
    IOptions<ReconcilerOptions> options,
    IOptions<DesiredStateOptions> desiredOptions,
    TimeProvider time,
    ILogger<ReconcileLoop> logger) : BackgroundService
{
    private readonly Dictionary<string, StackRecord> _records = new(StringComparer.Ordinal);
    private ITimer? _wakeTimer;
    private ITimer? _resyncTimer;
    private DateTimeOffset? _passRetryAt;

    // True while a pass decides stack by stack: their controls are published together with the verdicts, once, at its end.
    private bool _deciding;

    /// <summary>The record of a stack as the loop holds it now (tests and the one-shot <c>diff</c> read it).</summary>
    internal StackRecord RecordOf(string stack)
    {
        if (_records.TryGetValue(stack, out var record)) return record;
        var lastSucceeded = history.Recent(stack, 20).FirstOrDefault(r => r.Outcome == nameof(ApplyOutcome.Succeeded))?.Tag;
        record = StackRecord.Initial with { LastSucceededTag = lastSucceeded };
        _records[stack] = record;
        return record;
    }

    /// <summary>Loads what was persisted and starts the clocks: the wake-ups and the periodic resync.</summary>
    internal void Open()
    {
        // Before anything can start an apply: a row the killed previous run left open is closed, not re-run.
        foreach (var interrupted in history.CloseInterrupted(time.GetUtcNow()))
            LogApplyInterrupted(logger, interrupted.Stack, interrupted.Tag, interrupted.StartedAt);
        foreach (var (stack, state) in persisted.LoadAll()) _records[stack] = RecordOf(stack) with { State = state, StateTold = state };
        _wakeTimer = time.CreateTimer(_ => inbox.Post(new EvaluationRequest(ReconcileTrigger.Retry)), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var resyncEvery = options.Value.ResyncInterval;
        _resyncTimer = time.CreateTimer(_ => inbox.Post(new EvaluationRequest(ReconcileTrigger.Resync)), null, resyncEvery, resyncEvery);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Open();
        try
        {
            while (true)
            {
                var batch = await inbox.TakeBatchAsync(stoppingToken);
                await HandleAsync(batch, acting: true, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: record what the work still in flight reports, start nothing new.
        }
        await DrainAsync();
    }

    /// <summary>Handles one batch: messages first, then one pass if anything asked for one.</summary>
    /// <param name="acting">False while shutting down: record and publish what the messages say, start nothing.</param>
    internal async Task HandleAsync(IReadOnlyList<LoopMessage> batch, bool acting, CancellationToken cancellationToken)
    {
        var passes = new List<EvaluationRequest>();
        try
        {
            if (RetryUnstored(time.GetUtcNow()) && acting) passes.Add(new EvaluationRequest(ReconcileTrigger.Retry));
            foreach (var message in batch)
            {
                try
                {
                    Receive(message, passes);
                    Acknowledge(message, null);
                }
                catch (Exception ex)
                {
                    // One bad message must not cost the others their record (a completion lost leaves a stack applying).
                    LogMessageFailed(logger, ex, message.GetType().Name);
                    Acknowledge(message, ex);
                }
            }
            if (passes.Count > 0 && acting) await PassAsync(passes, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The loop must outlive any one bad pass; the next message tries again.
            LogPassFailed(logger, ex);
        }
        finally
        {
            ArmWakeTimer();
        }
    }

    /// <summary>Answers the API's hold or resume: acknowledged only when it was stored.</summary>
    private static void Acknowledge(LoopMessage message, Exception? failure)
    {
        var done = message switch
        {
            HoldRequested hold => hold.Done,
            ResumeRequested resume => resume.Done,
            _ => null,
        };
        if (failure is null) done?.TrySetResult();
        else done?.TrySetException(failure);
    }

    private void Receive(LoopMessage message, List<EvaluationRequest> passes)
    {
        var now = time.GetUtcNow();
        switch (message)
        {
            case EvaluationRequest request:
                passes.Add(request);
                break;

            case HoldRequested hold:
                passes.Add(new EvaluationRequest(ReconcileTrigger.Api, Stack: hold.Stack));
                if (!Update(hold.Stack, r => r with
                {
                    State = r.State with { Hold = new StackHold(HoldReason.Manual, $"held through the API by {hold.By}", now, Manual: true) },
                }, now))
                    throw new StateNotStoredException($"the hold of {hold.Stack} is in force in memory but could not be stored ({_stateProblem}); it is written as soon as the state database accepts writes again, and a restart before then loses it");
                break;

            case ResumeRequested resume:
                passes.Add(new EvaluationRequest(ReconcileTrigger.Api, Stack: resume.Stack, Manual: true));
                if (!Update(resume.Stack, r => r with { State = ReconcilePolicy.Resume(r.State) }, now, new(Why: "resumed through the API")))
                    throw new StateNotStoredException($"the resume of {resume.Stack} is in force in memory but could not be stored ({_stateProblem}); the agent does not act until the state database accepts writes again, and a restart before then brings the hold back");
                break;

            case ApplyFinished finished:
                RecordApply(finished, now);
                passes.Add(new EvaluationRequest(ReconcileTrigger.Apply, Stack: finished.Stack.Name));
                break;

            case WriteBackFinished finished:
                RecordWriteBack(finished, now);
                passes.Add(new EvaluationRequest(ReconcileTrigger.Apply, Stack: finished.Stack.Name));
                break;

            case AppliedTagsRead read:
                var changed = false;
                foreach (var (stack, tag) in read.Tags)
                {
                    // A read that began before our last apply ended may have seen the engine's state before it: the
                    // apply's own answer is newer.
                    if (RecordOf(stack) is { InFlight: StackOperation.None } record && record.AppliedTag != tag
                        && (record.AppliedTagSetAt is null || read.StartedAt > record.AppliedTagSetAt))
                    {
                        _records[stack] = record with { AppliedTag = tag };
                        changed = true;
                    }
                }
                if (changed) passes.Add(new EvaluationRequest(ReconcileTrigger.Resync));
                break;
        }
    }

    private void RecordApply(ApplyFinished finished, DateTimeOffset now)
    {
        var (spec, completion) = (finished.Stack, finished.Completion);
        metrics.Reconciled(spec.Name, ReconcileTrigger.Apply, completion.Outcome);
        var before = RecordOf(spec.Name);
        var state = completion.Kind is { } kind ? ReconcilePolicy.AfterApply(before.State, spec, kind, completion.Message, now, completion.RetryAfter) : before.State;
        var succeeded = completion.Kind == ApplyOutcome.Succeeded;
        timeline.Record(spec.Name, now, finished.Revision, () => StackTransitions.OfApplyEnd(spec, finished.Mode, completion, before.State, state));
        Update(spec.Name, record => record with
        {
            State = state,
            InFlight = StackOperation.None,
            // The engine's state now records what we applied; a later read confirms it.
            AppliedTag = succeeded ? spec.ImageTag : record.AppliedTag,
            AppliedTagSetAt = succeeded ? now : record.AppliedTagSetAt,
            LastSucceededTag = succeeded ? spec.ImageTag : record.LastSucceededTag,
            Published = Finished(record.Published, now, completion.Outcome, completion.Message),
        }, now, new(finished.Revision, spec));
        // An align that succeeded completes a realignment: git, the engine and the Swarm agree again.
        if (before.State.Incident is not null && state.Incident is null) metrics.Aligned(spec.Name);
        if (completion.Kind is not null) actions.StartAppliedTagRead(AskingEngine([spec]));
    }

    private void RecordWriteBack(WriteBackFinished finished, DateTimeOffset now)
    {
        var (spec, incident, outcome) = (finished.Stack, finished.Incident, finished.Outcome);
        timeline.Record(spec.Name, now, finished.Desired.Revision, () => StackTransitions.OfWriteBack(incident, outcome, notifications.Repository));
        Update(spec.Name, record => record with
        {
            State = ReconcilePolicy.AfterWriteBack(record.State, outcome.Record, outcome.Message, now),
            InFlight = StackOperation.None,
            Published = Finished(record.Published, now, outcome.Record is null ? ReconcileOutcome.Failed : ReconcileOutcome.WrittenBack, outcome.Message),
        }, now, new(finished.Desired.Revision, spec, finished.Evaluation));
        metrics.Realigned(spec.Name, outcome.Record?.Kind ?? WriteBackKind.Failed);
        if (outcome.Record is { Kind: not WriteBackKind.Superseded } written)
            notifications.Realigned(finished.Desired, finished.Evaluation, incident.GoodTag ?? "", incident.BadTag,
                $"{incident.GoodTag} written back to git ({written.Kind.Spell()} {written.Reference})");
        // Our own commit is in git now: fetch it at once rather than at the next poll, so alignment follows.
        if (outcome.Record?.Kind == WriteBackKind.Commit) actions.RefreshDesiredState();
    }

    private static StackControl? Finished(StackControl? published, DateTimeOffset now, ReconcileOutcome outcome, string message) =>
        published is null ? null : published with { LastReconcile = new StackReconcileRecord(now, ReconcileTrigger.Apply, outcome, message), Applying = false };

    private async Task PassAsync(IReadOnlyList<EvaluationRequest> requests, CancellationToken cancellationToken)
    {
        var trigger = Trigger(requests);
        var desired = store.Current.Desired;
        if (desired is null)
        {
            LogNoDesiredState(logger, trigger.Spell());
            return;
        }

        Observed observed;
        try
        {
            observed = await observation.ObserveAsync(desired.State, stack => RecordOf(stack.Name) is var r ? r.AppliedTag ?? r.LastSucceededTag : null, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDockerUnreachable(logger, ex.Message);
            var at = time.GetUtcNow();
            var problem = "Docker engine unreachable: " + ex.Message;
            store.Update(s => s with { DockerProblem = problem, Last = new LastEvaluation(at, trigger, ReconcileOutcome.Error, problem) });
            // The event watcher asks again when it reconnects; this is the safety net if it never lost its stream.
            _passRetryAt = at + desiredOptions.Value.PollInterval;
            return;
        }
        _passRetryAt = null;

        var now = time.GetUtcNow();
        var before = store.Current.Stacks;
        memories.Observed(observed.Live, desired.State, observed.Stacks);
        if (requests.Any(r => r.Trigger is ReconcileTrigger.Startup or ReconcileTrigger.Resync))
            actions.StartAppliedTagRead(AskingEngine(desired.State.Stacks, observed.Index));

        var previous = new Dictionary<string, StackEvaluation>(StringComparer.Ordinal);
        foreach (var evaluation in before) previous[evaluation.Stack] = evaluation;
        _deciding = true;
        try
        {
            foreach (var evaluation in observed.Stacks)
            {
                if (desired.State.FindStack(evaluation.Stack) is not { } spec) continue;
                try
                {
                    ReconcileStack(desired, spec, evaluation, previous.GetValueOrDefault(spec.Name), requests, now);
                }
                catch (Exception ex)
                {
                    // One stack's failure (its state not stored) must not keep the others from their pass.
                    LogStackFailed(logger, ex, spec.Name);
                }
            }
        }
        finally
        {
            _deciding = false;
        }

        var controls = _records.Where(r => r.Value.Published is not null).ToImmutableDictionary(r => r.Key, r => r.Value.Published!, StringComparer.Ordinal);
        var summary = Summary(observed.Stacks);
        // One update for the verdict and what was decided on it: a reader never sees one without the other.
        store.Update(s => s with
        {
            Stacks = observed.Stacks,
            Evaluated = desired,
            DockerProblem = null,
            Last = new LastEvaluation(now, trigger, ReconcileOutcome.Observed, summary),
            Control = controls,
        });
        memories.RecordRollbacksAndLatency(before, observed.Stacks, observed.Live, requests, now);
        LogEvaluated(logger, trigger.Spell(), observed.Stacks.Length, summary);
    }

    /// <summary>
    /// One stack, top to bottom: decide on what was observed (the pure <see cref="ReconcilePolicy"/>), act (start an apply,
    /// an align or a write-back), record (state, metrics, notifications, the control to publish) — and remember when to
    /// look again (<see cref="StackRecord.WakeAt"/>).
    /// </summary>
    /// <param name="previous">The stack's verdict of the pass before (still the published one while this pass decides).</param>
    private void ReconcileStack(DesiredSnapshot desired, StackSpec spec, StackEvaluation evaluation, StackEvaluation? previous,
        IReadOnlyList<EvaluationRequest> requests, DateTimeOffset now)
    {
        var record = RecordOf(spec.Name);
        var trigger = TriggerFor(requests, spec.Name, record, now);
        var before = record.Published;
        // After a restart nothing is published yet: the persisted time is the last this stack was seen synced.
        var lastSynced = evaluation.Status == StackStatus.Synced ? now : before?.LastSyncedAt ?? record.State.LastSyncedAt;
        var leader = leadership.IsLeader;

        if (record.InFlight != StackOperation.None)
        {
            // A write-back runs while the stack stays held; an apply shows as applying. Its completion comes as a message.
            var busy = before ?? new StackControl(evaluation.Status, evaluation.Message, record.State, null, false, null);
            var published = busy with
            {
                Status = record.InFlight == StackOperation.Applying ? StackStatus.Applying : busy.Status,
                Applying = true, LastSyncedAt = lastSynced, State = record.State,
            };
            Update(spec.Name, r => r with
            {
                Published = published,
                // Nothing to wake for while the work runs; its completion makes the next pass.
                WakeAt = null,
                RecheckAt = null,
                Told = leader ? published : r.Told,
                WatchedAsStandby = r.WatchedAsStandby || !leader,
            }, now, new(desired.Revision, spec, evaluation, Standby: !leader));
            return;
        }

        // Decide.
        var manual = requests.Any(r => r.Manual && r.Stack == spec.Name);
        var window = SyncWindowFor(spec, now);
        var decision = ReconcilePolicy.Decide(new ReconcileContext(spec, evaluation, record.State, now,
            leader, manual, window.Open, window.NextOpen, EngineRecreatesMissing: spec.Engine == StackEngine.Pulumi,
            CircuitCoolDown: options.Value.CircuitCoolDown));
        // Never apply what it cannot remember: work starts only once what it was decided on is written.
        if (decision.Action is not (ReconcileAction.None or ReconcileAction.Wait) && !CanRemember(spec.Name, decision.State, now))
            decision = decision with
            {
                Action = ReconcileAction.Wait,
                Message = $"not acting: the state database cannot be written ({_stateProblem}); {decision.Message}",
                RetryAt = null,
            };

        var inFlight = decision.Action switch
        {
            ReconcileAction.Apply or ReconcileAction.Align => StackOperation.Applying,
            ReconcileAction.WriteBack => StackOperation.WritingBack,
            _ => StackOperation.None,
        };
        var outcome = decision.Action switch
        {
            ReconcileAction.Apply or ReconcileAction.Align => ReconcileOutcome.Applying,
            ReconcileAction.WriteBack => ReconcileOutcome.WritingBack,
            ReconcileAction.Wait => ReconcileOutcome.Waiting,
            _ when decision.Status == StackStatus.Held => ReconcileOutcome.Held,
            _ when decision.Status == StackStatus.Invalid => ReconcileOutcome.Invalid,
            _ => ReconcileOutcome.None,
        };
        var control = new StackControl(decision.Status, decision.Message, decision.State,
            new StackReconcileRecord(now, trigger, outcome, decision.Message), inFlight != StackOperation.None, lastSynced);

        // Record: the operation is in the record before it starts, so no later pass can start it twice.
        if (decision.RetryAt is { } retryAt && record.WakeAt != retryAt) LogRetryScheduled(logger, spec.Name, retryAt);
        // What is told is compared with what this instance last told, not with what it last saw: a drift, a hold or a
        // rollback that came and stayed while it was a standby (or while no instance led) is still news when it leads.
        var told = record.Told;
        // The first pass as leader after watching as a standby knows no more of the timeline than a start does: it reads
        // the timeline's newest status entry, so nothing it already tells is said again.
        var freshLook = told is null || record.WatchedAsStandby;
        Update(spec.Name, r => r with
        {
            State = WithLastSynced(decision.State, evaluation, lastSynced, options.Value.ResyncInterval),
            InFlight = inFlight,
            WakeAt = decision.RetryAt,
            RecheckAt = Unsettled(evaluation) ? now + desiredOptions.Value.PollInterval : null,
            Published = control,
            Told = leader ? control : r.Told,
            WatchedAsStandby = !leader,
        }, now, new(desired.Revision, spec, evaluation, Standby: !leader));
        // The timeline tells what was seen before what was done about it. It is the history of the one that acts: a
        // standby neither applies nor writes back, and the leader's timeline tells of what both of them see.
        if (leader)
            timeline.Record(spec.Name, now, desired.Revision, () => StackTransitions.OfStatus(freshLook ? null : previous, freshLook ? null : told,
                control, evaluation, desired.Revision, freshLook ? timeline.LastStatusEvent(spec.Name) : null));

        // Act.
        switch (decision.Action)
        {
            case ReconcileAction.Apply or ReconcileAction.Align:
                var start = new ApplyStart(desired, spec, evaluation, trigger, decision.Action == ReconcileAction.Align ? ApplyMode.Align : ApplyMode.Deploy);
                timeline.Record(spec.Name, now, desired.Revision, () => StackTransitions.OfApplyStart(start));
                actions.StartApply(start);
                break;
            case ReconcileAction.WriteBack:
                actions.StartWriteBack(desired, spec, evaluation, decision.State.Incident!);
                break;
        }

        // Tell: metrics and notifications of what is now recorded. An unchanged verdict from a mere Swarm event is not a
        // new reconcile worth a counter tick.
        if (outcome != ReconcileOutcome.None || trigger != ReconcileTrigger.Event) metrics.Reconciled(spec.Name, trigger, outcome);
        // Notifications too are the actor's: a standby's would duplicate the leader's annotations and statuses.
        if (leader) notifications.StatusChanged(desired, evaluation, told, control);
    }

    /// <summary>
    /// The state keeps when the stack was last seen synced: written as the stack stops being synced, and on a synced pass
    /// only once the stored time is a resync interval old (not every pass a SQLite write), so a stack that stops being
    /// synced while the agent is down is, after the restart, known synced until about then — not since some older departure.
    /// </summary>
    private static StackRuntimeState WithLastSynced(StackRuntimeState state, StackEvaluation evaluation, DateTimeOffset? lastSynced, TimeSpan resyncInterval) =>
        state.LastSyncedAt == lastSynced ? state
        : evaluation.Status != StackStatus.Synced ? state with { LastSyncedAt = lastSynced }
        : state.LastSyncedAt is { } stored && lastSynced - stored < resyncInterval ? state
        : state with { LastSyncedAt = lastSynced };

    /// <summary>
    /// Polls of an unchanged revision make no pass, and not every change makes a Swarm service event (tasks starting, an
    /// image pushed after its commit, a registry coming back): a stack that is not settled in sync is looked at again
    /// after each poll interval, as every stack was before; a settled one waits for an event or the resync.
    /// </summary>
    private static bool Unsettled(StackEvaluation evaluation) =>
        evaluation.Status != StackStatus.Synced || evaluation.Services.Any(s => !s.ObserveOnly && (!s.TasksRunning || s.ExpectedDigest is null));

    /// <summary>
    /// Replaces a stack's record; a changed policy state is written to SQLite before anything is published, and what the
    /// change means goes on the stack's timeline. When it cannot be written the record still changes (a hold is in force
    /// in memory), the stack waits in <see cref="_unstored"/> for the retry, and the agent stops acting; false then.
    /// </summary>
    /// <param name="context">What the change was decided on; by default the desired state in force.</param>
    private bool Update(string stack, Func<StackRecord, StackRecord> change, DateTimeOffset now, ChangeContext? context = null)
    {
        var before = RecordOf(stack);
        var after = change(before);
        var stored = after.State == before.State && !_unstored.Contains(stack) || Store(stack, after.State, now);
        if (context?.Standby != true)
        {
            // A leader tells from the state last told, so a hold or an incident it inherited from its time as a standby
            // goes on its timeline (once) before what it does about it. Any other instance tells only its own change (a
            // hold through its API, the end of work it started while it led).
            var told = leadership.IsLeader ? before.StateTold : before.State;
            if (after.State != told)
            {
                var desired = store.Current.Desired;
                timeline.Record(stack, now, context?.Revision ?? desired?.Revision, () => StackTransitions.OfState(told, after.State,
                    context?.Evaluation, (context?.Spec ?? desired?.State.FindStack(stack))?.Policy.Stabilization, context?.Why));
            }
            after = after with { StateTold = after.State };
        }
        _records[stack] = after;
        if (!_deciding && after.Published != before.Published && after.Published is { } control)
            store.Update(s => s with { Control = (s.Control ?? ImmutableDictionary.Create<string, StackControl>(StringComparer.Ordinal)).SetItem(stack, control) });
        return stored;
    }

    /// <summary>What a record change was decided on, so its timeline entry names the right revision, tags and deadline.</summary>
    /// <param name="Standby">Decided by a standby on what it observed: nothing for its timeline (what it did itself — an
    /// apply started while it led, a hold through its API — still is).</param>
    private sealed record ChangeContext(string? Revision = null, StackSpec? Spec = null, StackEvaluation? Evaluation = null, string? Why = null,
        bool Standby = false);

    private IReadOnlyList<StackSpec> AskingEngine(IEnumerable<StackSpec> stacks, Core.Live.LiveIndex? index = null) =>
        [.. stacks.Where(s => RecordOf(s.Name).InFlight == StackOperation.None
            && (index is null ? s.Engine == StackEngine.Pulumi : observation.AsksEngine(s, index)))];

    /// <summary>
    /// Re-arms the one timer, after every batch, for the earliest time a stack without work in flight (or a failed pass)
    /// wants another look. Rounded up to the next millisecond: a timer that fires a hair early would find the policy's wait
    /// not yet over and ask for the same time again.
    /// </summary>
    private void ArmWakeTimer()
    {
        var next = _records.Values.Where(r => r.InFlight == StackOperation.None)
            .SelectMany(r => new[] { r.WakeAt, r.RecheckAt }).Append(_passRetryAt).Append(StoreRetryAt).Min();
        if (next is not { } at)
        {
            _wakeTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }
        var delay = at - time.GetUtcNow() + TimeSpan.FromMilliseconds(1);
        _wakeTimer?.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>At shutdown: waits for the work in flight (up to the grace) while still recording what it reports.</summary>
    private async Task DrainAsync()
    {
        var finished = work.StopAsync(options.Value.ShutdownGrace, ReconcilerOptions.CancelGrace);
        // Not disposed: the continuation may cancel it after this method has returned.
        var done = new CancellationTokenSource();
        _ = finished.ContinueWith(_ => done.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (!finished.IsCompleted)
        {
            try
            {
                await HandleAsync(await inbox.TakeBatchAsync(done.Token), acting: false, CancellationToken.None);
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                break;
            }
        }
        await HandleAsync(inbox.TakeWaiting().Where(m => m is not EvaluationRequest).ToList(), acting: false, CancellationToken.None);
        StoreLastSynced();
        _wakeTimer?.Dispose();
        _resyncTimer?.Dispose();
    }

    /// <summary>
    /// At shutdown: stacks last seen synced store when that was, so a restart that finds one no longer synced reports
    /// it synced until the agent left, not since an older departure (synced passes store it only every resync interval).
    /// </summary>
    private void StoreLastSynced()
    {
        var now = time.GetUtcNow();
        foreach (var (stack, record) in _records.ToList())
        {
            if (record.Published is { Status: StackStatus.Synced, LastSyncedAt: { } at } && record.State.LastSyncedAt != at)
                // Nothing for the timeline: only a time changes.
                Update(stack, r => r with { State = r.State with { LastSyncedAt = at } }, now, new(Standby: true));
        }
    }

    private static (bool Open, DateTimeOffset? NextOpen) SyncWindowFor(StackSpec spec, DateTimeOffset now)
    {
        if (spec.Policy.SyncWindows.IsDefaultOrEmpty) return (true, null);
        var verdict = SyncWindows.Evaluate(spec.Policy.SyncWindows, now);
        return (verdict.Open, verdict.NextOpen);
    }

    /// <summary>What this pass is for this stack: a request naming it, its own wake-up (a policy wait ran out: retry; a
    /// recheck: poll), else what the pass is for everyone.</summary>
    private static ReconcileTrigger TriggerFor(IReadOnlyList<EvaluationRequest> requests, string stack, StackRecord record, DateTimeOffset now) =>
        requests.FirstOrDefault(r => r.Stack == stack)?.Trigger
        ?? (requests.Any(r => r.Trigger == ReconcileTrigger.Retry) && record.WakeAt <= now ? ReconcileTrigger.Retry : (ReconcileTrigger?)null)
        ?? (requests.Any(r => r.Trigger == ReconcileTrigger.Retry) && record.RecheckAt <= now ? ReconcileTrigger.Poll : (ReconcileTrigger?)null)
        ?? Trigger(requests.Where(r => r.Stack is null && r.Trigger != ReconcileTrigger.Retry).DefaultIfEmpty(requests[0]).ToList());

    /// <summary>What a pass is for when several asked at once: the most specific cause wins (a new revision over the
    /// resync that happened to coincide with it, anything over a mere Swarm event).</summary>
    private static ReconcileTrigger Trigger(IReadOnlyList<EvaluationRequest> requests) =>
        requests.Select(r => r.Trigger).MinBy(trigger => Array.IndexOf(TriggerPrecedence, trigger) is var at && at < 0 ? int.MaxValue : at);

    private static readonly ReconcileTrigger[] TriggerPrecedence =
    [
        ReconcileTrigger.Api, ReconcileTrigger.Webhook, ReconcileTrigger.Poll, ReconcileTrigger.Startup, ReconcileTrigger.Apply,
        ReconcileTrigger.Retry, ReconcileTrigger.Resync, ReconcileTrigger.Event,
    ];

    private static string Summary(ImmutableArray<StackEvaluation> stacks) =>
        string.Join(", ", stacks.GroupBy(s => s.Status.Spell()).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    public override void Dispose()
    {
        _wakeTimer?.Dispose();
        _resyncTimer?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Evaluated {StackCount} stacks on {Trigger}: {Summary}")]
    private static partial void LogEvaluated(ILogger logger, string trigger, int stackCount, string summary);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Docker engine unreachable: {Reason}")]
    private static partial void LogDockerUnreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Evaluation failed; the next trigger retries")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Handling {Message} failed; the other messages of the batch are handled")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception, string message);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Reconciling stack {Stack} failed; the other stacks of the pass go on")]
    private static partial void LogStackFailed(ILogger logger, Exception exception, string stack);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "The apply of {Tag} to stack {Stack} started at {StartedAt} was interrupted by the previous run's end; closed as Interrupted, the live specs decide what follows")]
    private static partial void LogApplyInterrupted(ILogger logger, string stack, string tag, DateTimeOffset startedAt);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "No desired state loaded yet; skipping evaluation on {Trigger}")]
    private static partial void LogNoDesiredState(ILogger logger, string trigger);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Stack {Stack} waits; re-evaluating at {At}")]
    private static partial void LogRetryScheduled(ILogger logger, string stack, DateTimeOffset at);
}
