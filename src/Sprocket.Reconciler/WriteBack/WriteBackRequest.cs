using System.Collections.Immutable;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// One incident to write back: git names <paramref name="BadTag"/>, the on-call engineer rolled the stack back to
/// <paramref name="GoodTag"/>, and it has stayed there for <paramref name="Stabilization"/>.
/// </summary>
/// <param name="Mode">The stack's <c>policy.writeBack</c>.</param>
/// <param name="BadTag">The tag git names now (rolled away from). A head naming a third tag means a human moved on.</param>
/// <param name="GoodTag">The tag that runs now, which git should name.</param>
/// <param name="RollbackStartedAt">From <c>UpdateStatus.StartedAt</c>; null when not observed.</param>
/// <param name="RollbackCompletedAt">From <c>UpdateStatus.CompletedAt</c>; null when not observed.</param>
/// <param name="DesiredRevision">The desired-state revision that named <paramref name="BadTag"/>, for the note.</param>
public sealed record WriteBackRequest(
    string Stack,
    WriteBackMode Mode,
    string BadTag,
    string GoodTag,
    ImmutableArray<RolledBackService> Services,
    DateTimeOffset? RollbackStartedAt,
    DateTimeOffset? RollbackCompletedAt,
    TimeSpan Stabilization,
    string? DesiredRevision = null);

/// <summary>A service of the stack as the rollback left it: its Swarm name, repository, and digests before and after.</summary>
/// <param name="FromDigest">The digest of the bad image (rolled away from), if known.</param>
/// <param name="ToDigest">The digest that runs now, if known.</param>
public sealed record RolledBackService(string Name, string Repository, string? FromDigest, string? ToDigest);
