using Microsoft.Data.Sqlite;

namespace Sprocket.Reconciler.Reconcile;

/// <summary>
/// What the loop does when <c>reconciler.db</c> refuses a write (disk full, read-only, locked, corrupted): the change stays
/// in force in memory, the stack waits in <see cref="_unstored"/>, the agent is not ready and starts no work, and every
/// batch (at least every <see cref="StoreRetryEvery"/>) tries the write again; once every waiting state is written it is
/// ready and acts again.
/// </summary>
public sealed partial class ReconcileLoop
{
    /// <summary>How often a refused write is tried again while nothing else wakes the loop.</summary>
    internal static readonly TimeSpan StoreRetryEvery = TimeSpan.FromSeconds(2);

    private readonly HashSet<string> _unstored = new(StringComparer.Ordinal);
    private string? _stateProblem;
    private DateTimeOffset? _storeRetryFrom;

    private DateTimeOffset? StoreRetryAt => _unstored.Count > 0 || _stateProblem is not null ? _storeRetryFrom + StoreRetryEvery : null;

    /// <summary>Writes a stack's state; on failure says so (status, metric, log) and keeps the stack for the retry.</summary>
    private bool Store(string stack, Core.Policy.StackRuntimeState state, DateTimeOffset now)
    {
        try
        {
            persisted.Save(stack, state, now);
            _unstored.Remove(stack);
            return true;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            _unstored.Add(stack);
            StoreFailed(stack, ex);
            return false;
        }
    }

    /// <summary>
    /// Whether work may start for a stack: only while writes succeed, proven by writing the state the work is decided on
    /// (an apply whose start cannot be recorded would be one a restart knows nothing of).
    /// </summary>
    private bool CanRemember(string stack, Core.Policy.StackRuntimeState state, DateTimeOffset now) =>
        _stateProblem is null && Store(stack, state, now);

    /// <summary>Tries the refused writes again; true when that ended the problem (the agent may act again).</summary>
    private bool RetryUnstored(DateTimeOffset now)
    {
        if (_stateProblem is null) return false;
        if (now < StoreRetryAt) return false;
        _storeRetryFrom = now;
        foreach (var stack in _unstored.ToList())
        {
            if (!Store(stack, RecordOf(stack).State, now)) return false;
        }

        LogStateStoredAgain(logger, persisted.Path);
        _stateProblem = null;
        store.Update(s => s with { StateProblem = null });
        return true;
    }

    private void StoreFailed(string stack, Exception ex)
    {
        metrics.StateWriteFailed();
        // From the end of the failed attempt (a locked database answers only after its busy timeout), so the retries
        // leave the loop time for the API's messages in between.
        _storeRetryFrom = time.GetUtcNow();
        var problem = $"state database {persisted.Path} (data directory {Path.GetDirectoryName(persisted.Path)}) cannot be written: {Describe(ex)}";
        if (problem == _stateProblem) return;
        _stateProblem = problem;
        LogStateNotStored(logger, ex, stack, persisted.Path);
        store.Update(s => s with { StateProblem = problem });
    }

    private static string Describe(Exception ex) => ex switch
    {
        SqliteException sqlite => $"SQLite error {sqlite.SqliteErrorCode} ({ErrorName(sqlite.SqliteErrorCode)}): {sqlite.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    /// <summary>The primary result codes an operator meets here, named as in sqlite.org/rescode.html.</summary>
    private static string ErrorName(int code) => (code & 0xff) switch
    {
        5 => "SQLITE_BUSY",
        6 => "SQLITE_LOCKED",
        8 => "SQLITE_READONLY",
        10 => "SQLITE_IOERR",
        11 => "SQLITE_CORRUPT",
        13 => "SQLITE_FULL",
        14 => "SQLITE_CANTOPEN",
        26 => "SQLITE_NOTADB",
        _ => "SQLITE_" + code,
    };

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error,
        Message = "The state of stack {Stack} could not be written to {Path}; it is in force in memory, the agent stops acting and retries the write")]
    private static partial void LogStateNotStored(ILogger logger, Exception exception, string stack, string path);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "The state database {Path} accepts writes again; every waiting state is written, the agent acts again")]
    private static partial void LogStateStoredAgain(ILogger logger, string path);
}

/// <summary>A change in force in memory that the state database refused: the API answers 503 with its message.</summary>
public sealed class StateNotStoredException(string message) : Exception(message);
