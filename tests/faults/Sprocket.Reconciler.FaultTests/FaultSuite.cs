namespace Sprocket.Reconciler.FaultTests;

// The faults that break only what their test owns (its own daemon and data directory, its own proxy in front of the
// engine, registry, git server or a notifier, its own Pulumi stand-in, its own services) run beside the other test
// projects (tests/run.sh), in three collections that run side by side: the tests of one collection run one after
// another. tests/bench/recovery-table.sh runs every collection one after another, so a measured recovery has one fault
// at a time on the machine.

/// <summary>The agent killed or stopped, its data directory, the registry.</summary>
[CollectionDefinition(Name)]
public sealed class FaultSuite
{
    public const string Name = "fault suite: agent, data directory, registry";
}

/// <summary>The engine's connection, the desired-state git remote, GitHub, Grafana and Gatus.</summary>
[CollectionDefinition(Name)]
public sealed class RemoteFaultSuite
{
    public const string Name = "fault suite: engine connection, git remote, notifiers";
}

/// <summary>The Pulumi CLI, and the on-call's rollbacks during our work.</summary>
[CollectionDefinition(Name)]
public sealed class PulumiAndOnCallFaultSuite
{
    public const string Name = "fault suite: Pulumi CLI, on-call rollbacks";
}

/// <summary>
/// The faults that break what every other test shares — the test Swarm's engine, its Raft leadership. A class in this
/// collection also carries <c>[Trait(SharedEnvironmentFaults.Trait, SharedEnvironmentFaults.Value)]</c>, the mark
/// tests/run.sh filters on to run it alone, after everything else.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedEnvironmentFaults
{
    public const string Name = "fault suite: shared environment";
    public const string Trait = "FaultLane";
    public const string Value = "shared-environment";
}
