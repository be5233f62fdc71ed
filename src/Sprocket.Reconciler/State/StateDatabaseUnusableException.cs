using Microsoft.Data.Sqlite;

namespace Sprocket.Reconciler.State;

/// <summary>
/// <c>reconciler.db</c> exists but cannot be used (not a database, damaged, read-only, locked by another process): the
/// daemon refuses to start, naming the file and the SQLite error, rather than start without the holds it records.
/// </summary>
public sealed class StateDatabaseUnusableException : Exception
{
    public StateDatabaseUnusableException(string path, SqliteException cause)
        : base($"state database {path} cannot be used: SQLite error {cause.SqliteErrorCode}: {cause.Message}. " + Advice, cause) => Path = path;

    public StateDatabaseUnusableException(string path, string why)
        : base($"state database {path} cannot be used: {why}. " + Advice) => Path = path;

    private const string Advice = "It is not replaced (an empty one would forget every hold and incident): free the disk, make the folder writable, stop the other process holding it, or restore the file from a backup or move it away to start afresh";

    public string Path { get; }
}
