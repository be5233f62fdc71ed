using System.Collections.Concurrent;
using System.Collections.Immutable;
using DotNet.Globbing;
using Sprocket.Reconciler.Core.Images;

namespace Sprocket.Reconciler.Core.Live;

/// <summary>
/// All live services of one observation, indexed by image repository (current and previous spec) so that
/// matching a stack's services costs a lookup, not a scan, whatever the size of the Swarm.
/// </summary>
public sealed class LiveIndex
{
    private static readonly ConcurrentDictionary<string, Glob> Globs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LiveService>> _byRepository = new(StringComparer.Ordinal);

    public LiveIndex(IEnumerable<LiveService> services)
    {
        Services = [.. services];
        foreach (var service in Services)
        {
            Add(service.Image.Repository, service);
            if (service.PreviousImage is { } previous && previous.Repository != service.Image.Repository)
                Add(previous.Repository, service);
        }
    }

    public static LiveIndex Empty { get; } = new([]);

    public ImmutableArray<LiveService> Services { get; }

    /// <summary>
    /// Services whose name matches <paramref name="nameGlob"/>, preferring those that run (or ran) an image of
    /// <paramref name="repository"/>; when none does, any service the glob names — its image was changed to
    /// another repository by hand, which is drift rather than absence.
    /// </summary>
    public IReadOnlyList<LiveService> Match(string repository, string nameGlob)
    {
        var glob = Globs.GetOrAdd(nameGlob, static pattern => Glob.Parse(pattern));
        if (_byRepository.TryGetValue(ImageReferenceParser.Normalize(repository), out var sameRepository))
        {
            var matched = sameRepository.Where(s => glob.IsMatch(s.Name)).ToList();
            if (matched.Count > 0) return matched;
        }
        return Services.Where(s => glob.IsMatch(s.Name)).ToList();
    }

    private void Add(string repository, LiveService service)
    {
        var key = ImageReferenceParser.Normalize(repository);
        if (!_byRepository.TryGetValue(key, out var list)) _byRepository[key] = list = [];
        list.Add(service);
    }
}
