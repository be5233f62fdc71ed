using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;

namespace Sprocket.Reconciler.Host.Tests.Docker;

/// <summary>What is remembered per live service is forgotten with the service (the loop prunes after each listing).</summary>
public sealed class RollbackOriginMemoryTests
{
    [Fact]
    public void A_rollback_origin_is_forgotten_once_its_service_is_gone_and_kept_while_it_lives()
    {
        var origins = new RollbackOriginMemory();
        var startedAt = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        origins.Remember("kept", startedAt, RollbackOrigin.Manual);
        origins.Remember("gone", startedAt, RollbackOrigin.Manual);

        origins.Forget(id => id == "gone");

        Assert.Equal(RollbackOrigin.Manual, origins.Recall("kept", startedAt, "rollback completed"));
        Assert.Equal(RollbackOrigin.Unknown, origins.Recall("gone", startedAt, "rollback completed"));
    }
}
