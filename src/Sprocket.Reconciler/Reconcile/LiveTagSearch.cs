using System.Collections.Concurrent;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Images;
using Sprocket.Reconciler.Registry;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// Names a rolled-back digest the ledger does not know: lists the repository's tags (bounded), resolves the
/// immutable ones and stops at the first whose digest matches — the resolver records it in the ledger, so the
/// next evaluation names the digest. Runs in the background, once per repository and digest.
/// </summary>
public sealed partial class LiveTagSearch(
    IRegistryClient registry,
    ITagResolver resolver,
    LoopInbox inbox,
    BackgroundWork work,
    ILogger<LiveTagSearch> logger)
{
    /// <summary>At most this many tags are listed and resolved per search: a rollback goes to a recent tag.</summary>
    public const int MaxTags = 200;

    private readonly ConcurrentDictionary<(string Repository, string Digest), byte> _searched = new();

    /// <summary>Starts a search for each unnamed rolled-back digest not searched yet; forgets digests no longer unnamed.</summary>
    public void SearchUnnamed(DesiredState desired, IEnumerable<StackEvaluation> stacks)
    {
        var unnamed = new HashSet<(string Repository, string Digest)>();
        foreach (var service in stacks.SelectMany(s => s.Services))
        {
            if (service is not { Drift: DriftReason.EmergencyRollback or DriftReason.FailedUpdateRollback, LiveTag: null, LiveDigest: { } digest }) continue;
            var key = (RepositoryName.Normalize(service.Repository), digest);
            unnamed.Add(key);
            if (!_searched.TryAdd(key, 0)) continue;
            work.Start($"tag search for {digest}", finishBeforeStop: false, cancellationToken => SearchAsync(key.Item1, digest, desired.ImmutableTagPattern, cancellationToken));
        }
        // Named since, or no longer live: a later rollback to the same digest searches again.
        foreach (var key in _searched.Keys.Where(key => !unnamed.Contains(key)).ToList()) _searched.TryRemove(key, out _);
    }

    private async Task SearchAsync(string repository, string digest, string immutablePattern, CancellationToken cancellationToken)
    {
        try
        {
            var pattern = ImmutableTagPolicy.Pattern(immutablePattern);
            var tags = await registry.ListTagsAsync(repository, MaxTags, cancellationToken);
            foreach (var tag in tags.Where(t => ImmutableTagPolicy.IsImmutable(t, immutablePattern)).Reverse())
            {
                var resolution = await resolver.ResolveAsync(repository, tag, pattern, cancellationToken);
                if (resolution.Digest != digest) continue;
                LogNamed(logger, repository, digest, tag);
                inbox.Post(new EvaluationRequest(ReconcileTrigger.Resync));
                return;
            }
            LogNotFound(logger, repository, digest, tags.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, repository, digest, ex.Message);
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Live digest {Digest} of {Repository} is tag {Tag}")]
    private static partial void LogNamed(ILogger logger, string repository, string digest, string tag);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "No immutable tag of {Repository} among {Count} listed names digest {Digest}; the stack stays held")]
    private static partial void LogNotFound(ILogger logger, string repository, string digest, int count);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Warning, Message = "Searching the tags of {Repository} for digest {Digest} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string repository, string digest, string reason);
}
