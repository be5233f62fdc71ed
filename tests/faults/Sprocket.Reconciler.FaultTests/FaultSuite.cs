namespace Sprocket.Reconciler.FaultTests;

/// <summary>
/// The faults that break only what their test owns (its own daemon and data directory, its own proxy in front of the
/// registry or git server, its own Pulumi stand-in, its own notifier stand-ins, its own services): one after another,
/// so a recovery is measured with one fault at a time, but beside the other test projects (tests/run.sh).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultSuite
{
    public const string Name = "fault suite";
}

/// <summary>
/// The faults that break what every other test shares — the test Swarm's engine, its Raft leadership. A class in this
/// collection also carries <c>[Trait(SharedEnvironmentFaults.Trait, SharedEnvironmentFaults.Value)]</c>, the mark
/// tests/run.sh filters on to run it alone, after everything else has finished.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedEnvironmentFaults
{
    public const string Name = "fault suite: shared environment";
    public const string Trait = "FaultLane";
    public const string Value = "shared-environment";
}
