using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Docker;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>
/// The Swarm as the loop sees it: a list of services the test (or <see cref="FakeEngine"/>) changes, with the
/// spec history Swarm keeps (<c>PreviousSpec</c>) so <see cref="RollBack"/> behaves like <c>docker service update --rollback</c>.
/// Counts listings; <see cref="Gate"/> lets a test hold a listing open to interleave a message with a pass.
/// </summary>
public sealed class FakeSwarm : ISwarmObserver
{
    private readonly Lock _gate = new();
    private readonly List<LiveService> _services = [];
    private int _listings;

    public int Listings => Volatile.Read(ref _listings);

    /// <summary>When set, a listing waits for it before answering.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Completed when a listing has started waiting on <see cref="Gate"/>.</summary>
    public TaskCompletionSource ListingWaits { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<IReadOnlyList<LiveService>> ListServicesAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listings);
        if (Gate is { } gate)
        {
            ListingWaits.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }
        lock (_gate) return [.. _services];
    }

    public void Add(string name, string image)
    {
        lock (_gate) _services.Add(new LiveService("id-" + name, name, ImageReferenceParser.Parse(image), null, null, 1, 1, 1));
    }

    /// <summary>An update to <paramref name="image"/>, completed, every task running; the swarm engine's updates also
    /// leave the tag they applied as a label (<paramref name="appliedTag"/>), a hand update leaves none.</summary>
    public void Update(string name, string image, string? appliedTag = null) => Change(name, s => s with
    {
        PreviousImage = s.Image, Image = ImageReferenceParser.Parse(image), VersionIndex = s.VersionIndex + 1, AppliedTag = appliedTag,
        UpdateStatus = new LiveUpdateStatus(SwarmUpdateState.Completed, "update completed", Now, Now),
    });

    /// <summary>The on-call's <c>docker service update --rollback</c>: the previous spec runs again.</summary>
    public void RollBack(string name) => Change(name, s => s with
    {
        Image = s.PreviousImage ?? throw new InvalidOperationException($"{name} has no previous spec"), PreviousImage = s.Image,
        // The previous spec comes back whole, with the labels it had (none from us, in these stories).
        AppliedTag = null,
        VersionIndex = s.VersionIndex + 1,
        UpdateStatus = new LiveUpdateStatus(SwarmUpdateState.RollbackCompleted, "rollback completed", Now, Now, RollbackOrigin.Manual),
    });

    public LiveService Service(string name)
    {
        lock (_gate) return _services.Single(s => s.Name == name);
    }

    /// <summary>The clock the update times come from (the harness's fake time).</summary>
    public required TimeProvider Time { get; init; }

    private DateTimeOffset Now => Time.GetUtcNow();

    private void Change(string name, Func<LiveService, LiveService> change)
    {
        lock (_gate)
        {
            var index = _services.FindIndex(s => s.Name == name);
            _services[index] = change(_services[index]);
        }
    }
}
