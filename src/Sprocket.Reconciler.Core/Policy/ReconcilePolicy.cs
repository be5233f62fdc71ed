using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Core.Policy;

/// <summary>
/// The reconcile policy (docs/architecture.md, "The policy") as a pure function: given the three-way verdict,
/// the stack's policy and what we remember, decide whether to apply, wait or leave alone — and never fight the
/// on-call engineer. Safety stops come first:
/// an invalid or refused tag is never applied, a held stack stays held, and failures back off then open the circuit.
/// </summary>
public static class ReconcilePolicy
{
    /// <summary>How long to wait before trying again after another process held the stack's lock.</summary>
    public static readonly TimeSpan LockRetry = TimeSpan.FromSeconds(15);

    /// <summary>How long an open circuit waits before letting one trial apply through, unless configured otherwise.</summary>
    public static readonly TimeSpan DefaultCircuitCoolDown = TimeSpan.FromMinutes(5);

    public static ReconcileDecision Decide(ReconcileContext context)
    {
        var stack = context.Stack;
        var evaluation = context.Evaluation;
        var state = ForgetOnNewTag(context.State, stack.ImageTag);

        if (evaluation.Status == StackStatus.Invalid)
            return new(ReconcileAction.None, StackStatus.Invalid, evaluation.Message + " — nothing applied", state);

        if (state.Hold is { Manual: true } manual)
            return Held(state, manual);

        var managed = evaluation.Services.Where(s => !s.ObserveOnly).ToList();
        var drift = managed.Where(s => s.Drift != DriftReason.None).Select(s => s.Drift).ToHashSet();
        var rollbackAnswered = false;
        (state, rollbackAnswered) = NoteRollback(state, drift, managed, stack.ImageTag);
        if (rollbackAnswered)
        {
            // A commit naming another tag after the rollback is the humans' answer to it: apply that tag.
            drift.Remove(DriftReason.EmergencyRollback);
            drift.Remove(DriftReason.FailedUpdateRollback);
        }

        if (drift.Contains(DriftReason.EmergencyRollback) && stack.Policy.OnEmergencyRollback != EmergencyRollbackPolicy.Revert)
            state = ExcuseFailureOnEmergency(state);

        if (drift.Contains(DriftReason.EmergencyRollback) && stack.Policy.OnEmergencyRollback == EmergencyRollbackPolicy.Realign)
            return Realign(context, state);

        if (drift.Contains(DriftReason.EmergencyRollback) && stack.Policy.OnEmergencyRollback == EmergencyRollbackPolicy.Hold)
            return Held(state, HoldReason.EmergencyRollback, context.Now,
                $"held: on-call rolled back ({evaluation.Message}); {stack.ImageTag} is not re-applied until git names another tag");

        if ((drift.Contains(DriftReason.FailedUpdateRollback) && !rollbackAnswered) || state.RefusedTag == stack.ImageTag)
        {
            state = state with { RefusedTag = stack.ImageTag };
            var message = $"Swarm rolled back {stack.ImageTag} after a failed update; not retried until git names another tag ({evaluation.Message})";
            return stack.Policy.OnFailedUpdateRollback == FailedUpdateRollbackPolicy.Hold
                ? Held(state, HoldReason.FailedUpdateRollback, context.Now, "held: " + message)
                : new(ReconcileAction.None, StackStatus.Drifted, message, state);
        }

        if (drift.Contains(DriftReason.TagMoved))
        {
            // Which digest is right is a human question: re-pinning either could deploy something nobody built.
            var message = $"{evaluation.Message} — a moved immutable tag is never applied automatically";
            return stack.Policy.OnDrift == DriftPolicy.Hold
                ? Held(state, HoldReason.Drift, context.Now, "held: " + message)
                : new(ReconcileAction.None, StackStatus.Drifted, message, state);
        }

        var otherDrift = drift.Where(d => d != DriftReason.EmergencyRollback).ToList();
        if (otherDrift.Count > 0 && stack.Policy.OnDrift != DriftPolicy.Revert)
            return stack.Policy.OnDrift == DriftPolicy.Hold
                ? Held(state, HoldReason.Drift, context.Now, $"held on drift: {evaluation.Message}")
                : new(ReconcileAction.None, StackStatus.Drifted, $"drift left alone (onDrift: alert): {evaluation.Message}", state);

        if (drift.Contains(DriftReason.Missing) && !context.EngineRecreatesMissing)
            return new(ReconcileAction.None, StackStatus.Drifted, $"{evaluation.Message}; a direct Swarm update cannot recreate a removed service", state);

        // Git names what runs again after a rollback: the engine's own state must record it too.
        if (state.Incident is { GoodTag: { } good } && good == stack.ImageTag && drift.Count == 0 && managed.All(s => s.LiveTag == good))
            return AlignUnlessBlocked(context, state);

        // Only services that run another image need an apply; one still rolling out the desired image does not.
        var needsApply = managed.Any(s => s.Drift != DriftReason.None || (!s.InSync && s.LiveTag != s.ExpectedTag));
        if (!needsApply)
        {
            // Synced without an align due: whatever incident was open is over (the on-call undid the rollback).
            if (evaluation.Status == StackStatus.Synced)
                state = state with { Hold = null, ConsecutiveFailures = 0, NotBefore = null, LastFailure = null, Incident = null, RegistryRetries = 0, LastFailedAt = null };
            return state.Hold is { } hold ? Held(state, hold) : new(ReconcileAction.None, evaluation.Status, evaluation.Message, state);
        }

        return ApplyUnlessBlocked(context, state);
    }

    /// <summary>
    /// A human's resume: ends any hold, closes the circuit, lifts a refused tag and marks a rollback still visible in
    /// Swarm as answered — the person on call decided the desired tag may go out again.
    /// </summary>
    public static StackRuntimeState Resume(StackRuntimeState state) => state with
    {
        Hold = null,
        ConsecutiveFailures = 0,
        RegistryRetries = 0,
        NotBefore = null,
        RefusedTag = null,
        RollbackSeen = state.RollbackSeen is null ? null : RollbackSeen.AnsweredThroughResume,
    };

    /// <summary>The state to remember after an apply, from its outcome. <paramref name="retryAfter"/>: how long the
    /// registry asked us to wait (HTTP 429 Retry-After), when it said.</summary>
    public static StackRuntimeState AfterApply(StackRuntimeState state, StackSpec stack, ApplyOutcome outcome, string message, DateTimeOffset now,
        TimeSpan? retryAfter = null) =>
        outcome switch
        {
            ApplyOutcome.Succeeded => state with
            {
                Hold = state.Hold is { Manual: true } ? state.Hold : null, ConsecutiveFailures = 0, NotBefore = null, LastFailure = null, Incident = null,
                RegistryRetries = 0, LastFailedAt = null,
            },
            // Nothing was applied: back off on the registry's own count, and leave the circuit's count alone.
            ApplyOutcome.RegistryUnavailable => state with
            {
                RegistryRetries = state.RegistryRetries + 1,
                NotBefore = now + Backoff.WhileRegistryUnavailable(state.RegistryRetries + 1, retryAfter),
                LastFailure = message,
            },
            ApplyOutcome.Failed => Failed(state, message, now),
            ApplyOutcome.RolledBack => state with
            {
                RefusedTag = stack.ImageTag,
                LastFailure = message,
                Hold = stack.Policy.OnFailedUpdateRollback == FailedUpdateRollbackPolicy.Hold
                    ? new StackHold(HoldReason.FailedUpdateRollback, message, now)
                    : state.Hold,
            },
            // The on-call's decision: no refusal, no failed-update hold. The rollback stays visible in Swarm, so the very
            // next pass classifies it as an emergency rollback and holds (or realigns): no failure towards the circuit.
            // Under revert that pass re-applies, so each rollback by the on-call counts as a failure: the agent backs off,
            // then opens the circuit, instead of fighting the person on call.
            ApplyOutcome.RolledBackByOnCall => stack.Policy.OnEmergencyRollback == EmergencyRollbackPolicy.Revert
                ? Failed(state, message, now)
                : state with { LastFailure = message },
            ApplyOutcome.Locked => state with { NotBefore = now + LockRetry, LastFailure = message },
            // Terminal until a human changes something: open the circuit at once instead of retrying.
            ApplyOutcome.Misconfigured => state with
            {
                ConsecutiveFailures = Math.Max(state.ConsecutiveFailures + 1, stack.Policy.MaxConsecutiveFailures), LastFailure = message, NotBefore = null,
                RegistryRetries = 0, LastFailedAt = now,
            },
            _ => state,
        };

    /// <summary>The state to remember after a write-back: its record, or a failure that backs off like an apply's.</summary>
    public static StackRuntimeState AfterWriteBack(StackRuntimeState state, WriteBackRecord? written, string message, DateTimeOffset now) =>
        state.Incident is null ? state
        : written is null ? Failed(state, message, now)
        : state with { Incident = state.Incident with { WriteBack = written }, ConsecutiveFailures = 0, NotBefore = null, LastFailure = null };

    private static ReconcileDecision Realign(ReconcileContext context, StackRuntimeState state)
    {
        var stack = context.Stack;
        var incident = Realignment.Observe(state.Incident, stack.ImageTag, context.Evaluation, context.Now);
        state = state with { Incident = incident };
        var prefix = $"held: on-call rolled back ({context.Evaluation.Message}); {stack.ImageTag} is not re-applied";
        var deadline = incident.StabilizationDeadline(stack.Policy.Stabilization);

        if (Realignment.NotYet(incident, stack.Policy.Stabilization, context.Now) is { } notYet)
        {
            var held = Held(state, HoldReason.EmergencyRollback, context.Now, $"{prefix}; {notYet}");
            return deadline > context.Now ? held with { RetryAt = deadline } : held;
        }
        if (stack.Policy.WriteBack == WriteBackMode.None)
            return Held(state, HoldReason.EmergencyRollback, context.Now, $"{prefix}; stable, but writeBack: none — set imageTag: {incident.GoodTag} in git by hand");
        if (!context.Leader)
            return Held(state, HoldReason.EmergencyRollback, context.Now, $"{prefix}; stable (standby: the leader writes back)");
        if (state.NotBefore is { } notBefore && notBefore > context.Now)
            return Held(state, HoldReason.EmergencyRollback, context.Now, $"{prefix}; write-back retries at {notBefore:u} (last: {state.LastFailure})") with { RetryAt = notBefore };

        var writing = Held(state, HoldReason.EmergencyRollback, context.Now, $"{prefix}; stable, writing {incident.GoodTag} back to git");
        return writing with { Action = ReconcileAction.WriteBack };
    }

    /// <summary>
    /// As the emergency-rollback hold begins, a failed apply just before it is no longer a failure to retry or count: the
    /// on-call rolled back what we were applying (a <c>pulumi up</c> that saw its update rolled back fails), and the tag is
    /// held now, so the backoff and the circuit's count would only delay the write-back and raise a false alert. Later
    /// failures during the hold (a write-back's) back off as usual: the hold is then already in force.
    /// </summary>
    private static StackRuntimeState ExcuseFailureOnEmergency(StackRuntimeState state) =>
        state.Hold is { Reason: HoldReason.EmergencyRollback } || state.ConsecutiveFailures == 0 && state.NotBefore is null ? state
        : state with { ConsecutiveFailures = 0, NotBefore = null, LastFailedAt = null, RegistryRetries = 0 };

    private static ReconcileDecision AlignUnlessBlocked(ReconcileContext context, StackRuntimeState state)
    {
        var tag = context.Stack.ImageTag;
        if (!context.Leader)
            return new(ReconcileAction.None, context.Evaluation.Status, $"git names {tag} again; the leader aligns the engine's state (standby)", state);
        if (state.NotBefore is { } notBefore && notBefore > context.Now && !context.Manual)
            return new(ReconcileAction.Wait, context.Evaluation.Status, $"aligning retries at {notBefore:u} (last: {state.LastFailure})", state, notBefore);
        return new(ReconcileAction.Align, StackStatus.Applying, $"git names {tag}, which runs: aligning the engine's state", state);
    }

    private static StackRuntimeState Failed(StackRuntimeState state, string message, DateTimeOffset now)
    {
        var failures = state.ConsecutiveFailures + 1;
        return state with { ConsecutiveFailures = failures, NotBefore = now + Backoff.After(failures), LastFailure = message, RegistryRetries = 0, LastFailedAt = now };
    }

    private static ReconcileDecision ApplyUnlessBlocked(ReconcileContext context, StackRuntimeState state)
    {
        var stack = context.Stack;
        var status = context.Evaluation.Status;
        if (!context.Leader)
            return new(ReconcileAction.None, status, context.Evaluation.Message + " (standby: observing only)", state);
        if (!stack.Policy.AutoSync && !context.Manual)
            return new(ReconcileAction.None, status, context.Evaluation.Message + " (autoSync off: apply through the API)", state);
        var coolDown = context.CircuitCoolDown ?? DefaultCircuitCoolDown;
        var halfOpen = state.CircuitHalfOpen(stack.Policy.MaxConsecutiveFailures, coolDown, context.Now);
        if (state.CircuitOpen(stack.Policy.MaxConsecutiveFailures) && !halfOpen && !context.Manual)
        {
            var trialAt = state.LastFailedAt is { } failedAt ? failedAt + coolDown : (DateTimeOffset?)null;
            return new(ReconcileAction.None, StackStatus.Failed,
                $"circuit open after {state.ConsecutiveFailures} failed applies (last: {state.LastFailure}); " +
                (trialAt is { } at ? $"one trial apply at {at:u}, or " : "") + "a new tag in git or an API reconcile retries", state, trialAt);
        }
        if (state.NotBefore is { } notBefore && notBefore > context.Now && !context.Manual && !halfOpen)
            return new(ReconcileAction.Wait, state.ConsecutiveFailures > 0 ? StackStatus.Failed : status,
                state.RegistryRetries > 0 && state.ConsecutiveFailures == 0
                    ? $"registry unavailable, nothing applied; retrying at {notBefore:u} (last: {state.LastFailure})"
                    : $"retrying at {notBefore:u} (last: {state.LastFailure})", state, notBefore);
        if (!context.InSyncWindow && !context.Manual)
            return new(ReconcileAction.Wait, status, $"outside the sync window; applies when it opens{(context.NextWindowOpens is { } at ? $" at {at:u}" : "")}",
                state, context.NextWindowOpens);
        return new(ReconcileAction.Apply, StackStatus.Applying,
            halfOpen ? $"applying {stack.ImageTag} (circuit half-open: one trial apply after {coolDown})" : $"applying {stack.ImageTag}", state);
    }

    /// <summary>A new commit naming a different tag always ends holds, refusals and the circuit: humans decide through git.</summary>
    private static StackRuntimeState ForgetOnNewTag(StackRuntimeState state, string desiredTag) =>
        state.DesiredTagSeen is not null && state.DesiredTagSeen != desiredTag
            ? StackRuntimeState.Initial with
            {
                DesiredTagSeen = desiredTag,
                RollbackSeen = state.RollbackSeen,
                // Git now naming what runs completes the incident (alignment follows); any other tag is a forward fix.
                Incident = state.Incident?.GoodTag == desiredTag ? state.Incident : null,
            }
            : state with { DesiredTagSeen = desiredTag };

    /// <summary>Remembers which desired tag a visible rollback belongs to; it is answered once git names another.</summary>
    private static (StackRuntimeState State, bool Answered) NoteRollback(
        StackRuntimeState state, HashSet<DriftReason> drift, IReadOnlyList<ServiceEvaluation> managed, string desiredTag)
    {
        var rollbackVisible = drift.Contains(DriftReason.EmergencyRollback) || drift.Contains(DriftReason.FailedUpdateRollback);
        var seen = state.RollbackSeen;
        var reported = ReportedRollback(managed);
        if (!rollbackVisible)
        {
            // Git moved off the tag the rollback was seen for and now names what runs (the realignment's commit, or a
            // human adopting the rollback), while Swarm still reports that rollback (it does until the next update): the
            // rollback is answered. Remembered by its identity, so the next commit — whatever tag, even the rolled-away
            // one — is applied rather than held as a new rollback, while a new rollback by the on-call is held again.
            if (seen is not null && reported is not null && (seen.AnsweredIdentity is not null || seen.ForTag != desiredTag))
                return (state with { RollbackSeen = seen.AnsweredIdentity is not null ? seen : RollbackSeen.Answered(reported) }, false);
            return (state with { RollbackSeen = null }, false);
        }

        if (seen is null) return (state with { RollbackSeen = RollbackSeen.WhileGitNames(desiredTag, reported) }, false);
        if (seen.AnsweredIdentity is { } identity)
            return reported is not null && !IsNewRollback(identity, reported) ? (state, true) : (state with { RollbackSeen = RollbackSeen.WhileGitNames(desiredTag, reported) }, false);
        // Another rollback than the one seen while git named ForTag: the on-call rolled back again (say during the
        // realignment, whose own commit moved git on). A commit that came before it cannot be its answer.
        if (!seen.AnsweredByHuman && seen.Identity is { } seenIdentity && IsNewRollback(seenIdentity, reported))
            return (state with { RollbackSeen = RollbackSeen.WhileGitNames(desiredTag, reported) }, false);
        // Answered through resume (no tag), or seen while git named another tag: either way, answered.
        return (state, seen.AnsweredByHuman || seen.ForTag != desiredTag);
    }

    /// <summary>
    /// A rollback is new when Swarm reports a service rolled back at a start not seen before. A service merely gone from
    /// the reported set (removed from the stack with the forward fix, or <c>docker service rm</c>'d) changes nothing:
    /// the rest is still the rollback already seen, and holding on it would hold the humans' fix.
    /// </summary>
    private static bool IsNewRollback(string seen, string? reported) =>
        reported is not null && !reported.Split(';').ToHashSet(StringComparer.Ordinal).IsSubsetOf(seen.Split(';'));

    /// <summary>Which rollback Swarm reports: each service in a rollback state with the rollback's start; null for none.</summary>
    private static string? ReportedRollback(IReadOnlyList<ServiceEvaluation> managed)
    {
        var rolling = managed.Where(s => s.UpdateState?.IsRollback() == true)
            .Select(s => $"{s.Name}@{s.UpdateStartedAt:O}").Order(StringComparer.Ordinal).ToList();
        return rolling.Count == 0 ? null : string.Join(';', rolling);
    }

    private static ReconcileDecision Held(StackRuntimeState state, HoldReason reason, DateTimeOffset now, string message)
    {
        var hold = state.Hold is { } existing && existing.Reason == reason ? existing with { Message = message } : new StackHold(reason, message, now);
        return Held(state with { Hold = hold }, hold);
    }

    private static ReconcileDecision Held(StackRuntimeState state, StackHold hold) =>
        new(ReconcileAction.None, StackStatus.Held, $"{hold.Message} (held since {hold.Since:u})", state);
}
