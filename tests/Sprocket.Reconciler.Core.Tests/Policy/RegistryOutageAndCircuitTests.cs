using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;

namespace Sprocket.Reconciler.Core.Tests.Policy;

/// <summary>A pre-flight that could not reach the registry applied nothing: backed off, never a failure toward the
/// circuit, never invalid. An open circuit half-opens after its cool-down for one trial apply.</summary>
public class RegistryOutageAndCircuitTests
{
    private const string Bbb = "git-bbb2222";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly StackSpec Stack =
        new("web-prod", StackEngine.Swarm, Bbb, null, [new ServiceSpec("ghcr.io/s/web", "web*")], [], StackPolicy.Default);

    private static StackEvaluation OutOfSync() =>
        new("web-prod", StackStatus.OutOfSync, "git names git-bbb2222", Bbb, null,
            [new ServiceEvaluation("web-1", "ghcr.io/s/web", "id1", "img", null, "git-aaa1111", Bbb, null, DriftReason.None, false, null)]);

    private static ReconcileDecision Decide(StackRuntimeState state, DateTimeOffset now, TimeSpan? coolDown = null) =>
        ReconcilePolicy.Decide(new ReconcileContext(Stack, OutOfSync(), state, now, CircuitCoolDown: coolDown));

    private static StackRuntimeState Seen => StackRuntimeState.Initial with { DesiredTagSeen = Bbb };

    [Fact]
    public void A_registry_outage_of_many_pre_flights_never_opens_the_circuit()
    {
        var state = Seen;
        for (var i = 0; i < 10; i++)
            state = ReconcilePolicy.AfterApply(state, Stack, ApplyOutcome.RegistryUnavailable, "registry unavailable: refused", Now);

        Assert.Equal(0, state.ConsecutiveFailures);
        Assert.False(state.CircuitOpen(Stack.Policy.MaxConsecutiveFailures));
        Assert.Equal(10, state.RegistryRetries);
    }

    [Fact]
    public void A_registry_outage_backs_off_briefly_and_says_why_without_failing_the_stack()
    {
        var state = ReconcilePolicy.AfterApply(Seen, Stack, ApplyOutcome.RegistryUnavailable, "registry unavailable: refused", Now);
        Assert.Equal(Now + TimeSpan.FromSeconds(1), state.NotBefore);

        var waiting = Decide(state, Now);
        Assert.Equal(ReconcileAction.Wait, waiting.Action);
        Assert.Equal(StackStatus.OutOfSync, waiting.Status);
        Assert.Contains("registry unavailable", waiting.Message);
        Assert.Equal(state.NotBefore, waiting.RetryAt);

        for (var i = 0; i < 10; i++)
            state = ReconcilePolicy.AfterApply(state, Stack, ApplyOutcome.RegistryUnavailable, "registry unavailable: refused", Now);
        // Capped short: the registry answering again deploys within seconds, not after a 5-minute failure backoff.
        Assert.Equal(Now + Backoff.RegistryCap, state.NotBefore);
        Assert.Equal(ReconcileAction.Apply, Decide(state, Now + Backoff.RegistryCap).Action);
    }

    [Fact]
    public void A_rate_limit_waits_as_long_as_the_registry_asked()
    {
        var state = ReconcilePolicy.AfterApply(Seen, Stack, ApplyOutcome.RegistryUnavailable, "rate limited", Now, retryAfter: TimeSpan.FromSeconds(30));
        Assert.Equal(Now + TimeSpan.FromSeconds(30), state.NotBefore);
        Assert.Equal(ReconcileAction.Wait, Decide(state, Now + TimeSpan.FromSeconds(29)).Action);
        Assert.NotEqual(StackStatus.Invalid, Decide(state, Now).Status);
    }

    [Fact]
    public void The_apply_after_the_outage_succeeding_forgets_the_outage()
    {
        var state = ReconcilePolicy.AfterApply(Seen, Stack, ApplyOutcome.RegistryUnavailable, "refused", Now);
        state = ReconcilePolicy.AfterApply(state, Stack, ApplyOutcome.Succeeded, "ok", Now);
        Assert.Equal(0, state.RegistryRetries);
        Assert.Null(state.NotBefore);
    }

    [Fact]
    public void An_open_circuit_half_opens_after_the_cool_down_and_a_failed_trial_reopens_it()
    {
        var state = Seen;
        for (var i = 0; i < Stack.Policy.MaxConsecutiveFailures; i++)
            state = ReconcilePolicy.AfterApply(state, Stack, ApplyOutcome.Failed, "boom", Now);

        var open = Decide(state, Now + TimeSpan.FromMinutes(4));
        Assert.Equal(ReconcileAction.None, open.Action);
        Assert.Equal(StackStatus.Failed, open.Status);
        Assert.Equal(Now + ReconcilePolicy.DefaultCircuitCoolDown, open.RetryAt);

        var trialAt = Now + ReconcilePolicy.DefaultCircuitCoolDown;
        var trial = Decide(state, trialAt);
        Assert.Equal(ReconcileAction.Apply, trial.Action);
        Assert.Contains("half-open", trial.Message);

        var reopened = ReconcilePolicy.AfterApply(trial.State, Stack, ApplyOutcome.Failed, "boom again", trialAt);
        Assert.Equal(ReconcileAction.None, Decide(reopened, trialAt + TimeSpan.FromMinutes(1)).Action);
        Assert.Equal(ReconcileAction.Apply, Decide(reopened, trialAt + ReconcilePolicy.DefaultCircuitCoolDown).Action);
    }

    [Fact]
    public void A_successful_trial_closes_the_circuit_and_the_cool_down_is_configurable()
    {
        var state = Seen;
        for (var i = 0; i < Stack.Policy.MaxConsecutiveFailures; i++)
            state = ReconcilePolicy.AfterApply(state, Stack, ApplyOutcome.Failed, "boom", Now);

        var coolDown = TimeSpan.FromSeconds(30);
        Assert.Equal(ReconcileAction.None, Decide(state, Now + TimeSpan.FromSeconds(29), coolDown).Action);
        var trial = Decide(state, Now + coolDown, coolDown);
        Assert.Equal(ReconcileAction.Apply, trial.Action);

        var closed = ReconcilePolicy.AfterApply(trial.State, Stack, ApplyOutcome.Succeeded, "ok", Now + coolDown);
        Assert.False(closed.CircuitOpen(Stack.Policy.MaxConsecutiveFailures));
    }
}
