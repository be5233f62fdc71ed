using System.Collections.Immutable;

namespace Sprocket.Reconciler.Core.Desired;

/// <summary>A validated desired-state file. Only ever built by <see cref="DesiredStateParser"/>.</summary>
public sealed record DesiredState(
    int Version,
    ImmutableArray<StackSpec> Stacks,
    string ImmutableTagPattern)
{
    public const string DefaultImmutableTagPattern = "^(git|sha)-[0-9a-f]{7,40}$";

    public StackSpec? FindStack(string name) => Stacks.FirstOrDefault(s => s.Name == name);
}

/// <summary>A desired state together with where it came from: the git revision and the file path.</summary>
public sealed record DesiredSnapshot(DesiredState State, string Revision, string Path);

public enum StackEngine { Pulumi, Swarm }

public sealed record StackSpec(
    string Name,
    StackEngine Engine,
    string ImageTag,
    PulumiSpec? Pulumi,
    ImmutableArray<ServiceSpec> Services,
    ImmutableArray<ObservedServiceSpec> ObserveOnly,
    StackPolicy Policy);

public sealed record PulumiSpec(string Project, string Stack, string WorkDir, string ConfigKey, ProgramSource Program);

public sealed record ProgramSource(string Repository, string Ref);

/// <summary>A managed service: its image repository and the glob its Swarm service name matches.</summary>
public sealed record ServiceSpec(string Repository, string Match);

/// <summary>A watched, never applied, service pinned to its own (possibly mutable) tag.</summary>
public sealed record ObservedServiceSpec(string Repository, string Match, string Tag);

public enum EmergencyRollbackPolicy { Realign, Hold, Revert }

public enum FailedUpdateRollbackPolicy { Hold, Alert }

public enum DriftPolicy { Revert, Hold, Alert }

public enum WriteBackMode { PullRequest, Commit, None }

public sealed record StackPolicy(
    bool AutoSync,
    EmergencyRollbackPolicy OnEmergencyRollback,
    FailedUpdateRollbackPolicy OnFailedUpdateRollback,
    DriftPolicy OnDrift,
    TimeSpan Stabilization,
    WriteBackMode WriteBack,
    int MaxConsecutiveFailures,
    ImmutableArray<SyncWindow> SyncWindows)
{
    public static StackPolicy Default { get; } = new(
        AutoSync: true,
        OnEmergencyRollback: EmergencyRollbackPolicy.Realign,
        OnFailedUpdateRollback: FailedUpdateRollbackPolicy.Hold,
        OnDrift: DriftPolicy.Revert,
        Stabilization: TimeSpan.FromMinutes(2),
        WriteBack: WriteBackMode.PullRequest,
        MaxConsecutiveFailures: 3,
        SyncWindows: []);
}

public enum SyncWindowKind { Allow, Deny }

/// <summary>
/// A recurring span of time in which automatic applies are allowed or denied (Argo CD's sync windows):
/// it opens at each fire time of <paramref name="Schedule"/> (a Quartz cron, seconds first, read in
/// <paramref name="TimeZone"/>) and stays active for <paramref name="Duration"/>. What the windows of a
/// stack mean together is <see cref="Policy.SyncWindows.Evaluate"/>'s to say.
/// </summary>
/// <param name="TimeZone">An IANA time zone id as written in the file, <c>UTC</c> when the file gives none.</param>
public sealed record SyncWindow(SyncWindowKind Kind, string Schedule, TimeSpan Duration, string TimeZone);
