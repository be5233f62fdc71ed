using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Live;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Host.Tests.Loop;

/// <summary>
/// The registry behind the daemon's real resolver cache and digest ledger: every tag resolves to a digest derived from
/// it, except those marked <see cref="Unreachable"/> (the registry cannot be asked) or <see cref="Missing"/> (not pushed).
/// </summary>
public sealed class FakeRegistry : ITagResolver
{
    public static string DigestOf(string tag) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(tag)));

    public ConcurrentDictionary<string, byte> Unreachable { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, byte> Missing { get; } = new(StringComparer.Ordinal);

    public Task<TagResolution> ResolveAsync(string repository, string tag, Regex immutableTagPattern, CancellationToken cancellationToken) =>
        Task.FromResult(Unreachable.ContainsKey(tag) ? TagResolution.Failed(RegistryFailureKind.Unreachable, "connection refused")
            : Missing.ContainsKey(tag) ? TagResolution.Failed(RegistryFailureKind.NotFound, "manifest unknown")
            : TagResolution.Resolved(DigestOf(tag)));
}

/// <summary>
/// An engine that does what a successful <c>engine: swarm</c> apply does — every matched service runs the pinned digest —
/// or ends as <see cref="NextOutcome"/>. <see cref="Gate"/> holds an apply open.
/// </summary>
public sealed class FakeEngine(FakeSwarm swarm) : IApplyEngine
{
    public string Engine => "swarm";

    public ConcurrentQueue<ApplyRequest> Applies { get; } = new();

    public ApplyOutcome NextOutcome { get; set; } = ApplyOutcome.Succeeded;

    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Per stack: an apply of that stack waits for its gate.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> Gates { get; } = new(StringComparer.Ordinal);

    /// <summary>Per stack: how many of its next applies fail.</summary>
    public ConcurrentDictionary<string, int> FailuresLeft { get; } = new(StringComparer.Ordinal);

    private int _running;
    private int _mostAtOnce;

    /// <summary>The most applies that ever ran at the same time.</summary>
    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, IProgress<ApplyProgress>? progress, CancellationToken cancellationToken)
    {
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _mostAtOnce, running);
        try
        {
            Applies.Enqueue(request);
            if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
            if (Gates.TryGetValue(request.Stack.Name, out var stackGate)) await stackGate.Task.WaitAsync(cancellationToken);
            if (FailuresLeft.TryGetValue(request.Stack.Name, out var left) && left > 0)
            {
                FailuresLeft[request.Stack.Name] = left - 1;
                return new ApplyResult(ApplyOutcome.Failed, "the fake engine failed as told", []);
            }
            if (NextOutcome != ApplyOutcome.Succeeded) return new ApplyResult(NextOutcome, $"the fake engine ended {NextOutcome}", []);
            // An align records what already runs: a direct Swarm engine has nothing to change.
            if (request.Mode == ApplyMode.Deploy)
                foreach (var image in request.Images) swarm.Update(image.ServiceName, image.Reference, appliedTag: request.Tag);
            return new ApplyResult(ApplyOutcome.Succeeded, $"applied {request.Tag}", [.. request.Images.Select(i => new ServiceChange(i.ServiceName, null, i.Reference))]);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public Task<string?> ReadAppliedTagAsync(StackSpec stack, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>As the swarm engine answers: the label its updates leave on the services, read from the listing.</summary>
    public AppliedTagAnswer AppliedTagFromListing(StackSpec stack, LiveIndex live) => AppliedTagAnswer.Known(Sprocket.Reconciler.Apply.Swarm.AppliedLabels.AgreedInListing(stack, live));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}

/// <summary>The write-back: a commit naming the good tag, pushed to <see cref="FakeDesiredSource"/> like a real commit.</summary>
public sealed class FakeWriteBack(FakeDesiredSource git, TimeProvider time) : IIncidentWriter
{
    public ConcurrentQueue<RollbackIncident> Written { get; } = new();

    public Task<IncidentWriteOutcome> WriteAsync(DesiredSnapshot desired, StackSpec stack, RollbackIncident incident, CancellationToken cancellationToken)
    {
        Written.Enqueue(incident);
        var revision = git.Commit(git.Yaml.Replace($"imageTag: {incident.BadTag}", $"imageTag: {incident.GoodTag}", StringComparison.Ordinal));
        return Task.FromResult(new IncidentWriteOutcome(new WriteBackRecord(WriteBackKind.Commit, revision, time.GetUtcNow()), $"committed {revision}"));
    }
}

/// <summary>The desired-state repository: a file and a revision counter.</summary>
public sealed class FakeDesiredSource : IDesiredStateSource
{
    private readonly Lock _gate = new();
    private int _revision;

    public string Yaml { get; private set; } = "";

    public string Revision => $"{_revision:x40}";

    public string Commit(string yaml)
    {
        lock (_gate)
        {
            Yaml = yaml;
            _revision++;
            return Revision;
        }
    }

    public Task<DesiredFetchResult> FetchAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var content = Encoding.UTF8.GetBytes(Yaml);
            var blob = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(content));
            return Task.FromResult<DesiredFetchResult>(new DesiredFetchResult.Fetched("fake", "main", Revision, "desired-state.yaml", blob, content));
        }
    }
}

/// <summary>Stands in for the notification hub: every record the daemon published, in order.</summary>
public sealed class RecordingPublisher : Sprocket.Reconciler.Notify.INotificationPublisher
{
    public ConcurrentQueue<Sprocket.Reconciler.Notify.ReconcileNotification> Published { get; } = new();

    public void Publish(Sprocket.Reconciler.Notify.ReconcileNotification notification) => Published.Enqueue(notification);
}

public sealed class FakeLeadership : ILeadership
{
    public bool IsLeader { get; set; } = true;
}
