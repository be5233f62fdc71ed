using System.Collections.Immutable;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// One look at the world: one service listing (the only Docker list call of a pass, whatever the number of stacks),
/// the registry facts for the tags git names, and the pure three-way classification of every stack.
/// </summary>
public sealed class LiveObservation(ISwarmObserver swarm, IImageFactsSource imageFacts, ApplyEngines engines)
{
    /// <param name="appliedTagOf">The applied tag for a stack whose engine keeps it outside the listing (pulumi).</param>
    /// <exception cref="Exception">The Docker engine could not be listed; nothing was classified.</exception>
    public async Task<Observed> ObserveAsync(DesiredState desired, Func<StackSpec, string?> appliedTagOf, CancellationToken cancellationToken)
    {
        var live = await swarm.ListServicesAsync(cancellationToken);
        var facts = await imageFacts.GatherAsync(desired, live, cancellationToken);
        var index = new LiveIndex(live);
        var stacks = desired.Stacks
            .Select(stack => DriftClassifier.Evaluate(stack, AppliedTag(stack, index, appliedTagOf), index, facts))
            .ToImmutableArray();
        return new Observed(live, index, stacks);
    }

    /// <summary>Whether only the engine's own state (not the listing) says what it applied to the stack.</summary>
    public bool AsksEngine(StackSpec stack, LiveIndex index) =>
        engines.For(stack) is { } engine && !engine.AppliedTagFromListing(stack, index).IsKnown;

    private string? AppliedTag(StackSpec stack, LiveIndex index, Func<StackSpec, string?> appliedTagOf) =>
        engines.For(stack)?.AppliedTagFromListing(stack, index) is { IsKnown: true, Tag: { } tag } ? tag : appliedTagOf(stack);
}

/// <summary>What one look saw: the live services, their index, and every stack's verdict.</summary>
public sealed record Observed(IReadOnlyList<LiveService> Live, LiveIndex Index, ImmutableArray<StackEvaluation> Stacks);
