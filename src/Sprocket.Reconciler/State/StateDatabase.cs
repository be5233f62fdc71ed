using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sprocket.Reconciler.State;

/// <summary>
/// The daemon's one SQLite file, <c>&lt;DataDirectory&gt;/reconciler.db</c>. Opening it brings the
/// schema up to date (all pending migrations in one transaction, so a crash leaves the old schema,
/// never half a new one). Stores open a short-lived connection per operation: connections are
/// pooled, and a connection per call keeps stores safe to use from many threads.
/// </summary>
public sealed class StateDatabase
{
    public const string FileName = "reconciler.db";

    private readonly string _connectionString;

    private StateDatabase(string path, int schemaVersion)
    {
        Path = path;
        SchemaVersion = schemaVersion;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // A lock held by another process fails a write after 3 s rather than Microsoft.Data.Sqlite's 30 s: the loop
            // waits on every write, and a refused one is tried again anyway. The daemon's own writes take milliseconds.
            DefaultTimeout = 3,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>The schema version after migration: the highest version in the migrations given to <see cref="Open"/>.</summary>
    public int SchemaVersion { get; }

    public static StateDatabase Open(
        string dataDirectory,
        IReadOnlyList<StateMigration> migrations,
        TimeProvider time,
        ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        logger ??= NullLogger.Instance;
        EnsureOrdered(migrations);

        var directory = System.IO.Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        var database = new StateDatabase(System.IO.Path.Combine(directory, FileName), migrations.Count == 0 ? 0 : migrations[^1].Version);

        try
        {
            using var connection = database.OpenConnection();
            // WAL lets readers (API, status page) go on while the loop writes.
            Execute(connection, null, "PRAGMA journal_mode = WAL;");
            EnsureIntact(connection, database.Path);
            var version = Migrate(connection, database.Path, migrations, time, logger);
            Log.DatabaseOpened(logger, database.Path, version);
            return database;
        }
        catch (SqliteException ex) when (IsFileProblem(ex))
        {
            // Never replaced by an empty database: that would forget every hold and incident it records.
            throw new StateDatabaseUnusableException(database.Path, ex);
        }
    }

    /// <summary>The file or its folder is at fault (a failing migration, SQLITE_ERROR, is this build's bug and stays as it is).</summary>
    private static bool IsFileProblem(SqliteException ex) => (ex.SqliteErrorCode & 0xff) is
        5 /* BUSY */ or 6 /* LOCKED */ or 8 /* READONLY */ or 10 /* IOERR */ or 11 /* CORRUPT */ or 13 /* FULL */ or 14 /* CANTOPEN */ or 26 /* NOTADB */;

    /// <summary>
    /// A file damaged past its header opens fine and fails some later read: <c>PRAGMA quick_check</c> (a pass over every
    /// page, milliseconds for the few thousand rows kept here) finds it at start, where it is one clear error.
    /// </summary>
    private static void EnsureIntact(SqliteConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA quick_check;";
        var verdict = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (verdict != "ok")
            throw new StateDatabaseUnusableException(path, $"PRAGMA quick_check found damage: {verdict}");
    }

    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Versions of the migrations recorded as applied, in order.</summary>
    public IReadOnlyList<int> AppliedVersions()
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version ORDER BY version;";
        using var reader = command.ExecuteReader();
        var versions = new List<int>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt32(0));
        }
        return versions;
    }

    private static int Migrate(
        SqliteConnection connection,
        string path,
        IReadOnlyList<StateMigration> migrations,
        TimeProvider time,
        ILogger logger)
    {
        // BeginTransaction() is BEGIN IMMEDIATE: a second process opening the same file waits
        // instead of applying the same migration twice.
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            );
            """);

        using var current = connection.CreateCommand();
        current.Transaction = transaction;
        current.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version;";
        var version = Convert.ToInt32(current.ExecuteScalar(), CultureInfo.InvariantCulture);

        var known = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (version > known)
        {
            throw new InvalidOperationException(
                $"State database {path} has schema version {version}, newer than this build knows ({known}); refusing to use it.");
        }

        foreach (var migration in migrations.Where(m => m.Version > version))
        {
            Execute(connection, transaction, migration.Sql);
            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES ($version, $name, $at);";
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$name", migration.Name);
            record.Parameters.AddWithValue("$at", StateTime.Format(time.GetUtcNow()));
            record.ExecuteNonQuery();
            Log.MigrationApplied(logger, path, migration.Version, migration.Name);
            version = migration.Version;
        }

        transaction.Commit();
        return version;
    }

    private static void EnsureOrdered(IReadOnlyList<StateMigration> migrations)
    {
        for (var i = 0; i < migrations.Count; i++)
        {
            var expected = i == 0 ? 1 : migrations[i - 1].Version + 1;
            if (migrations[i].Version != expected)
            {
                throw new ArgumentException(
                    $"Migration '{migrations[i].Name}' has version {migrations[i].Version}; expected {expected} (versions start at 1 and have no gaps).",
                    nameof(migrations));
            }
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
