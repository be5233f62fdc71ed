using Microsoft.Data.Sqlite;

namespace Sprocket.Reconciler.FaultTests.DataDirectory;

/// <summary>Another process's connection holding the write lock of a SQLite file (<c>BEGIN EXCLUSIVE</c>) until disposed.</summary>
internal sealed class ExclusiveLock : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;

    private ExclusiveLock(SqliteConnection connection, SqliteTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static ExclusiveLock Take(string databasePath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        // deferred: false is BEGIN IMMEDIATE; the write lock is what the daemon's writes wait for (in WAL mode EXCLUSIVE is the same lock).
        var transaction = connection.BeginTransaction(deferred: false);
        return new ExclusiveLock(connection, transaction);
    }

    public void Dispose()
    {
        _transaction.Rollback();
        _transaction.Dispose();
        _connection.Dispose();
    }
}
