namespace Sprocket.Reconciler.Reconcile;

/// <summary>Holds the current <see cref="ReconcilerStatus"/>; readers never lock, writers replace it whole.</summary>
public sealed class StatusStore
{
    private ReconcilerStatus _current = ReconcilerStatus.Empty;

    public ReconcilerStatus Current => Volatile.Read(ref _current);

    /// <summary>Raised after every replacement, on the writer's thread.</summary>
    public event Action<ReconcilerStatus, ReconcilerStatus>? Changed;

    public void Update(Func<ReconcilerStatus, ReconcilerStatus> change)
    {
        ReconcilerStatus before, after;
        do
        {
            before = Current;
            after = change(before);
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _current, after, before), before));
        Changed?.Invoke(before, after);
    }
}
