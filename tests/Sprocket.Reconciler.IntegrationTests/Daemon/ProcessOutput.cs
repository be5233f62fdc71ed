namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The last lines a child process wrote (stdout and stderr interleaved), kept for failure messages.
/// Bounded because the daemon logs every evaluation, and other tests' Swarm events trigger evaluations too.
/// </summary>
public sealed class ProcessOutput(int capacity = 2000)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity) _lines.Dequeue();
        }
    }

    /// <summary>How many of the kept lines satisfy <paramref name="wanted"/>.</summary>
    public int Count(Func<string, bool> wanted)
    {
        lock (_gate)
        {
            return _lines.Count(wanted);
        }
    }

    /// <summary>The kept lines that satisfy <paramref name="wanted"/>, oldest first.</summary>
    public IReadOnlyList<string> Matching(Func<string, bool> wanted)
    {
        lock (_gate)
        {
            return _lines.Where(wanted).ToList();
        }
    }

    public string Tail(int lines = 150)
    {
        lock (_gate)
        {
            return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - lines)));
        }
    }
}
