using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Host.Tests.Telemetry;

/// <summary>sprocket_reconciler_docker_engine_reachable says 1 only once the engine has answered.</summary>
public sealed class EngineReachableGaugeTests
{
    private static readonly LastEvaluation Evaluated = new(DateTimeOffset.UnixEpoch, ReconcileTrigger.Startup, ReconcileOutcome.Observed, "");

    [Fact]
    public void Before_the_first_evaluation_the_engine_is_not_known_to_answer() =>
        Assert.Equal(0, ReconcilerMetrics.EngineReachable(ReconcilerStatus.Empty));

    [Fact]
    public void An_evaluation_that_read_the_engine_makes_it_reachable() =>
        Assert.Equal(1, ReconcilerMetrics.EngineReachable(ReconcilerStatus.Empty with { Last = Evaluated }));

    [Fact]
    public void A_failed_read_makes_it_unreachable() =>
        Assert.Equal(0, ReconcilerMetrics.EngineReachable(ReconcilerStatus.Empty with
        {
            Last = Evaluated with { Outcome = ReconcileOutcome.Error }, DockerProblem = "Docker engine unreachable: Connection failed.",
        }));
}
