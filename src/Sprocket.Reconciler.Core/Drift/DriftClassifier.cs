using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Core.Drift;

/// <summary>
/// The three-way diff: desired (git), applied (Pulumi or our last apply; null while unknown) and live (Swarm),
/// with the registry's digests, give each service a drift class and the stack a status. Pure: no I/O, no clock.
/// </summary>
public static class DriftClassifier
{
    public static StackEvaluation Evaluate(StackSpec stack, string? appliedTag, LiveIndex live, IImageFacts facts)
    {
        var services = ImmutableArray.CreateBuilder<ServiceEvaluation>();
        foreach (var spec in stack.Services)
            services.AddRange(EvaluateService(spec.Repository, spec.Match, stack.ImageTag, appliedTag, live, facts, observeOnly: false));
        foreach (var observed in stack.ObserveOnly)
            services.AddRange(EvaluateService(observed.Repository, observed.Match, observed.Tag, observed.Tag, live, facts, observeOnly: true));

        var evaluated = services.ToImmutable();
        var (status, message) = Summarize(stack, evaluated, facts);
        return new StackEvaluation(stack.Name, status, message, stack.ImageTag, appliedTag, evaluated);
    }

    private static IEnumerable<ServiceEvaluation> EvaluateService(
        string repository, string match, string expectedTag, string? appliedTag, LiveIndex live, IImageFacts facts, bool observeOnly)
    {
        var expected = facts.Resolve(repository, expectedTag);
        var matched = live.Match(repository, match);
        if (matched.Count == 0)
        {
            yield return new ServiceEvaluation(match, repository, null, null, null, null, expectedTag, expected?.Digest,
                DriftReason.Missing, InSync: false, UpdateState: null, observeOnly);
            yield break;
        }

        foreach (var service in matched)
        {
            var image = service.Image;
            // The digest is what runs: Swarm stores "repo:tag@digest" as given without checking that they agree.
            var liveTag = (image.Digest is null ? null : facts.TagOf(repository, image.Digest)) ?? image.Tag;
            var (drift, inSync) = Classify(repository, expectedTag, appliedTag, service, liveTag, expected, observeOnly);
            yield return new ServiceEvaluation(service.Name, repository, service.Id, image.ToString(), image.Digest, liveTag,
                expectedTag, expected?.Digest, drift, inSync, service.UpdateStatus?.State, observeOnly)
            {
                UpdateStateText = service.UpdateStatus?.StateText,
                PreviousImage = service.PreviousImage?.ToString(),
                UpdateStartedAt = service.UpdateStatus?.StartedAt,
                UpdateCompletedAt = service.UpdateStatus?.CompletedAt,
                TasksRunning = service.RunningTasks >= service.DesiredTasks,
                TaskError = service.TaskError,
            };
        }
    }

    private static (DriftReason Drift, bool InSync) Classify(
        string repository, string expectedTag, string? appliedTag, LiveService service, string? liveTag, TagLookup? expected, bool observeOnly)
    {
        if (SameRepository(service.Image, repository) && (liveTag == expectedTag || SameDigest(service.Image.Digest, expected?.Digest)))
        {
            // Mutable tags of observeOnly services move by design; only immutable tags can "move".
            if (observeOnly) return (DriftReason.None, true);
            var moved = expected?.Moved == true
                || (service.Image.Digest is not null && expected?.Digest is not null && service.Image.Digest != expected.Digest);
            return moved ? (DriftReason.TagMoved, false) : (DriftReason.None, Converged(service));
        }

        if (service.UpdateStatus is { IsRollback: true } status)
            return RollbackOrigin(status, service) == Live.RollbackOrigin.AfterFailedUpdate
                ? (DriftReason.FailedUpdateRollback, false)
                : (DriftReason.EmergencyRollback, false);

        if (observeOnly) return (DriftReason.ManualChange, false);

        // Known applied state: running what was applied means git simply moved ahead.
        if (appliedTag is not null)
            return liveTag == appliedTag && SameRepository(service.Image, repository)
                ? (DriftReason.None, false)
                : (DriftReason.ManualChange, false);

        // Applied unknown: an update away from the desired image is a hand change; otherwise git is ahead.
        var previous = service.PreviousImage;
        var changedAwayFromDesired = previous is not null && SameRepository(previous, repository)
            && (previous.Tag == expectedTag || SameDigest(previous.Digest, expected?.Digest));
        return changedAwayFromDesired || !SameRepository(service.Image, repository)
            ? (DriftReason.ManualChange, false)
            : (DriftReason.None, false);
    }

    /// <summary>The spec names the desired image, but it only runs once Swarm finished rolling it out:
    /// no update or rollback in progress or paused, and every desired task running. A rollback that has just swapped
    /// the spec back to the desired image (the on-call's second <c>--rollback</c>) still runs the other image's
    /// tasks: the running count alone does not tell, since it counts the tasks about to be replaced.</summary>
    private static bool Converged(LiveService service) =>
        service.UpdateStatus?.State is not (SwarmUpdateState.Updating or SwarmUpdateState.Paused
            or SwarmUpdateState.RollbackStarted or SwarmUpdateState.RollbackPaused)
        && service.RunningTasks >= service.DesiredTasks;

    /// <summary>
    /// When the message seen during the rollback was missed, the spec still tells: Swarm's own rollback after a
    /// failed update clears PreviousSpec, while <c>docker service update --rollback</c> keeps the rolled-away spec there.
    /// </summary>
    private static RollbackOrigin RollbackOrigin(LiveUpdateStatus status, LiveService service) =>
        status.Origin != Live.RollbackOrigin.Unknown ? status.Origin
        : service.PreviousImage is null ? Live.RollbackOrigin.AfterFailedUpdate
        : Live.RollbackOrigin.Manual;

    private static (StackStatus Status, string Message) Summarize(StackSpec stack, ImmutableArray<ServiceEvaluation> services, IImageFacts facts)
    {
        var drifted = services.Where(s => s.Drift != DriftReason.None).ToList();
        if (drifted.Count > 0)
            return (StackStatus.Drifted, string.Join("; ", drifted.Select(Describe)));

        var unresolvable = stack.Services
            .Select(s => (s.Repository, Lookup: facts.Resolve(s.Repository, stack.ImageTag)))
            .Where(x => x.Lookup?.Failure is not null)
            .ToList();
        if (unresolvable.Count > 0)
            return (StackStatus.Invalid, string.Join("; ", unresolvable.Select(x => $"{x.Repository}:{stack.ImageTag} does not resolve: {x.Lookup!.Failure}")));

        var behind = services.Where(s => !s.InSync && !s.ObserveOnly).ToList();
        if (behind.Count > 0)
            return (StackStatus.OutOfSync, $"git names {stack.ImageTag}; not yet running it: " + string.Join(", ", behind.Select(Behind)));

        return (StackStatus.Synced, $"all {services.Length} services run {stack.ImageTag}");
    }

    private static string Behind(ServiceEvaluation s) =>
        (s.LiveTag == s.ExpectedTag ? $"{s.Name} rolling out ({s.UpdateStateText ?? "tasks starting"})" : $"{s.Name} runs {s.LiveTag ?? s.LiveImage}")
        + TaskErrorSuffix(s);

    private static string Describe(ServiceEvaluation s) => s.Drift switch
    {
        DriftReason.Missing => $"{s.Name}: missing (no service matches)",
        DriftReason.TagMoved => $"{s.Name}: tag-moved ({s.ExpectedTag} now resolves to {s.ExpectedDigest}, live {s.LiveDigest ?? s.LiveImage})",
        _ => $"{s.Name}: {s.Drift.Spell()} (live {s.LiveTag ?? s.LiveImage}, desired {s.ExpectedTag}){TaskErrorSuffix(s)}",
    };

    // Swarm's own update message only says that a task failed; the task's error says why (a pull without credentials
    // reads "No such image: …"), which is what the on-call needs from the stack's message.
    private static string TaskErrorSuffix(ServiceEvaluation s) => s.TaskError is null ? "" : $", task error: {s.TaskError}";

    private static bool SameRepository(ImageReference image, string repository) =>
        ImageReferenceParser.Normalize(image.Repository) == ImageReferenceParser.Normalize(repository);

    private static bool SameDigest(string? a, string? b) => a is not null && a == b;
}
