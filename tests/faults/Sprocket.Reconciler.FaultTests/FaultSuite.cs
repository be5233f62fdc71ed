namespace Sprocket.Reconciler.FaultTests;

/// <summary>
/// One collection for the whole suite: a fault breaks a component for everything running beside it, so the faults run
/// one after another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultSuite
{
    public const string Name = "fault suite";
}
