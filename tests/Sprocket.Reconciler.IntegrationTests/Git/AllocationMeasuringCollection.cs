namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// Tests that assert on <see cref="GC.GetTotalAllocatedBytes"/>, which counts the whole process: they run alone,
/// after the parallel tests, so another test's allocations are not counted as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasuringCollection
{
    public const string Name = "Allocation measuring";
}
