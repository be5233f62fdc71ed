using System.Collections.Concurrent;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// One libgit2 operation at a time per clone directory, process-wide: two fetches racing on the same bare
/// repository would fight over ref locks and the staging-directory swap.
/// </summary>
internal static class CloneDirectoryGates
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static SemaphoreSlim For(string cloneDirectory) => Gates.GetOrAdd(cloneDirectory, _ => new SemaphoreSlim(1, 1));
}
