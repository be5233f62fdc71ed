using System.Diagnostics;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Reconcile;

namespace Sprocket.Reconciler.FaultTests.OnCall;

/// <summary>
/// Follows a stack's status through a fault, reading the API every 50 ms: keeps each change of "status[/hold reason]"
/// with the time it was first seen (from the follower's start), so a test can assert what the on-call saw all along,
/// not only at the ends.
/// </summary>
internal sealed class StatusFollower(ReconcileScenario scenario)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>When the follower started: its times are measured from here.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
    private readonly List<(TimeSpan At, string Word)> _seen = [];

    /// <summary>Every change seen so far, in order: "held/emergency-rollback", "applying", "synced", ….</summary>
    public IReadOnlyList<(TimeSpan At, string Word)> Seen => _seen;

    public TimeSpan Elapsed => _clock.Elapsed;

    public static string WordOf(StackView stack) => stack.Hold is { } hold ? $"{stack.Status}/{hold.Reason}" : stack.Status;

    /// <summary>Reads the stack until <paramref name="done"/> holds; returns it then and when that was seen.</summary>
    public async Task<(StackView Stack, TimeSpan At)> UntilAsync(Func<StackView, bool> done, TimeSpan timeout, string what)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            var stack = await scenario.GetAsync();
            var at = _clock.Elapsed;
            var word = WordOf(stack);
            if (_seen.Count == 0 || _seen[^1].Word != word) _seen.Add((at, word));
            if (done(stack)) return (stack, at);
            if (at > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; seen {Describe()}\nlast: {stack}\n{scenario.Daemon.Output.Tail()}");
            // The follower's own sampling period, not a wait for anything.
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    public string Describe() => string.Join(" -> ", _seen.Select(s => $"{s.Word} ({s.At.TotalSeconds:0.0} s)"));
}
