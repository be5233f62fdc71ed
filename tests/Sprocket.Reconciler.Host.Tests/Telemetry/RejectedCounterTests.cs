using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;
using Sprocket.Reconciler.Host.Tests.Loop;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.Telemetry;

namespace Sprocket.Reconciler.Host.Tests.Telemetry;

/// <summary>
/// SprocketDesiredStateRejected alerts on increase() of the rejected counter, which cannot see the step to 1 of a
/// series that did not exist before: the counter must be exported at 0 from start-up.
/// </summary>
public sealed class RejectedCounterTests
{
    [Fact]
    public void The_rejected_counter_is_exported_at_0_before_any_rejection()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var rejected = new MetricCollector<long>(meterFactory, MetricNames.MeterName, MetricNames.DesiredStateRejected);

        _ = new ReconcilerMetrics(meterFactory, new StatusStore(), new DesiredStateLocation("https://git.test/desired.git", "main", "desired.yaml"),
            new FakeLeadership());

        Assert.Equal([0L], rejected.GetMeasurementSnapshot().Select(m => m.Value));
    }
}
