namespace Sprocket.Reconciler.IntegrationTests.PulumiStandin;

/// <summary>One docker:Service of a test program; <paramref name="RollbackOnFailure"/> adds updateConfig {failureAction: rollback, monitor: 2s}.</summary>
public sealed record StandinService(string LogicalName, string ServiceName, string Repository, bool RollbackOnFailure = false);
