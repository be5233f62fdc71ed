using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Live;

namespace Sprocket.Reconciler.Core.Policy;

/// <summary>
/// Follows an emergency rollback under <c>onEmergencyRollback: realign</c>: who rolled back to what, whether it has
/// settled, and for how long — so git can be told what runs once the on-call's choice has proved stable.
/// </summary>
public static class Realignment
{
    /// <summary>Creates the incident, or updates it from what runs now; any change to what runs restarts the clock.</summary>
    public static RollbackIncident Observe(RollbackIncident? incident, string desiredTag, StackEvaluation evaluation, DateTimeOffset now)
    {
        var managed = evaluation.Services.Where(s => !s.ObserveOnly).ToList();
        var rolledBack = managed.Where(s => s.Drift == DriftReason.EmergencyRollback).ToList();
        var services = rolledBack
            .Select(s => new IncidentService(s.Name, s.PreviousImage, s.LiveImage, s.LiveTag, s.LiveDigest, s.UpdateStartedAt, s.UpdateCompletedAt))
            .ToImmutableArray();
        var liveKey = string.Join(";", managed.Select(s => $"{s.Name}={s.LiveDigest ?? s.LiveImage}@{s.UpdateStartedAt:O}"));
        var settled = rolledBack.All(s => s.UpdateState == SwarmUpdateState.RollbackCompleted && s.TasksRunning)
            && managed.All(s => s.TasksRunning && s.UpdateState is not (SwarmUpdateState.Updating or SwarmUpdateState.RollbackStarted
                or SwarmUpdateState.Paused or SwarmUpdateState.RollbackPaused));
        var goodTag = GoodTag(managed);

        if (incident is null || incident.BadTag != desiredTag)
            return new RollbackIncident(desiredTag, goodTag, services, now, liveKey, settled ? now : null, null);

        var changed = incident.LiveKey != liveKey;
        return incident with
        {
            GoodTag = goodTag,
            Services = services,
            LiveKey = liveKey,
            StableSince = !settled ? null : changed ? now : incident.StableSince ?? now,
            // A new live tag needs a new write-back (the pull request is updated, not duplicated).
            WriteBack = goodTag == incident.GoodTag ? incident.WriteBack : null,
        };
    }

    /// <summary>
    /// The one tag the stack's key could name so git matches what runs: every managed service must run the same,
    /// named, tag. Otherwise (a digest without a known tag, services on different tags) there is nothing safe to write.
    /// </summary>
    public static string? GoodTag(IReadOnlyList<ServiceEvaluation> managed)
    {
        var tags = managed.Select(s => s.LiveTag).Distinct().ToList();
        return tags is [{ } only] ? only : null;
    }

    /// <summary>Why no write-back can happen yet, or null when it may.</summary>
    public static string? NotYet(RollbackIncident incident, TimeSpan stabilization, DateTimeOffset now) => incident switch
    {
        { GoodTag: null } => "what runs has no single known tag (" + string.Join(", ", incident.Services.Select(s => $"{s.Name} {s.ToTag ?? s.ToDigest ?? s.ToImage}")) + "); git cannot be realigned automatically",
        { StableSince: null } => "waiting for the rollback to settle (rollback_completed, every task running)",
        { StableSince: { } since } when now < since + stabilization => $"stable since {since:u}; realigning git to {incident.GoodTag} at {since + stabilization:u}",
        { WriteBack: { Kind: WriteBackKind.Superseded } } => "a human changed the branch meanwhile; nothing written",
        { WriteBack: { } done } => $"written back ({done.Kind.Spell()} {done.Reference}); waiting for git to name {incident.GoodTag}",
        _ => null,
    };
}
