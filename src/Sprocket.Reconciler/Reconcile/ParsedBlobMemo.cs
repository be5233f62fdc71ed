using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// The parser's verdicts on the last good and the last rejected desired-state file, by git blob id and path.
/// A bad revision stays at the branch head until someone pushes a fix, and every poll fetches it again: without
/// this, a pathological file was re-parsed each time (a 140 KB one kept a core half busy). Two entries are
/// enough: the revision in force and the one being refused are the only files polls keep seeing.
/// The path is part of the key because the errors name the file. Not thread-safe: the tracker refreshes one at a time.
/// </summary>
internal sealed class ParsedBlobMemo
{
    private Entry? _lastGood;
    private Entry? _lastRejected;

    public DesiredStateParseResult GetOrParse(string blobId, string path, Func<DesiredStateParseResult> parse)
    {
        if (_lastGood?.Matches(blobId, path) == true) return _lastGood.Result;
        if (_lastRejected?.Matches(blobId, path) == true) return _lastRejected.Result;

        var result = parse();
        var entry = new Entry(blobId, path, result);
        if (result.IsValid) _lastGood = entry;
        else _lastRejected = entry;
        return result;
    }

    private sealed record Entry(string BlobId, string Path, DesiredStateParseResult Result)
    {
        public bool Matches(string blobId, string path) =>
            string.Equals(BlobId, blobId, StringComparison.Ordinal) && string.Equals(Path, path, StringComparison.Ordinal);
    }
}
