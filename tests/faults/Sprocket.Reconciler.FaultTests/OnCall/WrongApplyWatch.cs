using Sprocket.Reconciler.IntegrationTests.Reconcile;

namespace Sprocket.Reconciler.FaultTests.OnCall;

/// <summary>
/// Counts the wrong applies after an on-call rollback: every time the service's spec comes to name the rolled-away
/// digest again, seen by a background poll about ten times a second (the spec, not the tasks: an update that Swarm
/// would roll back again a moment later still counts). Started once the rollback has taken the spec away from it.
/// </summary>
internal sealed class WrongApplyWatch : IAsyncDisposable
{
    private readonly ReconcileScenario _scenario;
    private readonly string _service;
    private readonly string _rolledAwayDigest;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _returns = [];
    private readonly Task _loop;

    private WrongApplyWatch(ReconcileScenario scenario, string service, string rolledAwayDigest)
    {
        _scenario = scenario;
        _service = service;
        _rolledAwayDigest = rolledAwayDigest;
        _loop = Task.Run(LoopAsync);
    }

    public static WrongApplyWatch Start(ReconcileScenario scenario, string service, string rolledAwayDigest) => new(scenario, service, rolledAwayDigest);

    /// <summary>Stops watching; returns each return of the rolled-away digest to the spec (time, version, image).</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop;
        return _returns;
    }

    private async Task LoopAsync()
    {
        var atRolledAway = false;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var now = await _scenario.Docker.SnapshotServiceAsync(_service, _stop.Token);
                var names = now.SpecImage.Contains(_rolledAwayDigest, StringComparison.Ordinal);
                if (names && !atRolledAway) _returns.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} version {now.VersionIndex}: {now.SpecImage} ({now.UpdateState})");
                atRolledAway = names;
                // The watch's own sampling period, not a wait for anything.
                await Task.Delay(TimeSpan.FromMilliseconds(100), _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
