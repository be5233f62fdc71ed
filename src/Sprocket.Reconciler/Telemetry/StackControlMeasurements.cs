using System.Diagnostics.Metrics;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Telemetry;

/// <summary>
/// The acting side's per-stack state as gauge measurements: holds, the stabilization clock of an emergency rollback and
/// the apply circuit. Read from the published <see cref="ReconcilerStatus"/>, so a series exists exactly while the stack
/// document shows the same thing (an absent series is how a hold or a clock ends for Prometheus).
/// </summary>
public static class StackControlMeasurements
{
    public static IEnumerable<Measurement<double>> HeldSince(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
            if (current.ControlOf(stack.Stack)?.State.Hold is { } hold)
                yield return new(Seconds(hold.Since), Stack(stack.Stack), new("reason", hold.Reason.Spell()));
    }

    public static IEnumerable<Measurement<double>> Stabilization(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
            if (SpecOf(current, stack.Stack) is { } spec)
                yield return new(spec.Policy.Stabilization.TotalSeconds, Stack(stack.Stack));
    }

    public static IEnumerable<Measurement<double>> StabilizationDeadline(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
            if (current.ControlOf(stack.Stack)?.State.Incident is { } incident && SpecOf(current, stack.Stack) is { } spec
                && incident.StabilizationDeadline(spec.Policy.Stabilization) is { } deadline)
                yield return new(Seconds(deadline), Stack(stack.Stack));
    }

    /// <summary>Failed applies in a row, from the state the policy keeps: unlike the published status, which shows
    /// <c>applying</c> during every retry, it stays above 0 from the first failure until an apply succeeds or git
    /// names another tag.</summary>
    public static IEnumerable<Measurement<int>> ConsecutiveFailures(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
            if (current.ControlOf(stack.Stack) is { } control)
                yield return new(control.State.ConsecutiveFailures, Stack(stack.Stack));
    }

    public static IEnumerable<Measurement<int>> CircuitOpen(ReconcilerStatus current)
    {
        foreach (var stack in current.Stacks)
            if (current.ControlOf(stack.Stack) is { } control && SpecOf(current, stack.Stack) is { } spec)
                yield return new(control.State.CircuitOpen(spec.Policy.MaxConsecutiveFailures) ? 1 : 0, Stack(stack.Stack));
    }

    /// <summary>The spec the stacks were evaluated from, as the stack document reads it (never a newer revision's).</summary>
    private static StackSpec? SpecOf(ReconcilerStatus current, string stack) =>
        (current.Evaluated ?? current.Desired)?.State.FindStack(stack);

    private static KeyValuePair<string, object?> Stack(string name) => new("stack", name);

    private static double Seconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;
}
