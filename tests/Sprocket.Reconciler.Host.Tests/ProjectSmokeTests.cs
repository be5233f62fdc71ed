using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Host.Tests;

public sealed class ProjectSmokeTests
{
    [Fact]
    public void The_status_store_starts_empty_and_not_ready() => Assert.False(new StatusStore().Current.Ready);
}
