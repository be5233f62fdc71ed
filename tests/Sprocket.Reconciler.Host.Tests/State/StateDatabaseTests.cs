using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.State;

/// <summary>The SQLite file and its versioned migrations, on a real file in a temporary DataDirectory.</summary>
public sealed class StateDatabaseTests : IDisposable
{
    private readonly TempDataDirectory _data = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static readonly StateMigration CreateHolds = new(1, "holds", "CREATE TABLE holds (stack TEXT PRIMARY KEY);");
    private static readonly StateMigration AddReason = new(2, "hold reason", "ALTER TABLE holds ADD COLUMN reason TEXT;");

    [Fact]
    public void Opening_creates_reconciler_db_in_the_data_directory_and_applies_every_migration()
    {
        var nested = Path.Combine(_data.Path, "not", "yet", "there");

        var database = StateDatabase.Open(nested, StateMigrations.All, _time);

        Assert.Equal(Path.Combine(nested, "reconciler.db"), database.Path);
        Assert.True(File.Exists(database.Path));
        Assert.Equal(Enumerable.Range(1, StateMigrations.All.Count), database.AppliedVersions());
        Assert.Equal(StateMigrations.All[^1].Version, database.SchemaVersion);
        Assert.Equal(0L, Scalar(database, "SELECT COUNT(*) FROM digest_ledger;"));
    }

    [Fact]
    public void Reopening_applies_only_the_migrations_added_since()
    {
        StateDatabase.Open(_data.Path, [CreateHolds], _time);
        Insert(StateDatabase.Open(_data.Path, [CreateHolds], _time), "INSERT INTO holds (stack) VALUES ('platform-prod');");
        _time.Advance(TimeSpan.FromDays(1));

        var upgraded = StateDatabase.Open(_data.Path, [CreateHolds, AddReason], _time);

        Assert.Equal([1, 2], upgraded.AppliedVersions());
        Assert.Equal("platform-prod", Scalar(upgraded, "SELECT stack FROM holds WHERE reason IS NULL;"));
        Assert.Equal("2025-03-01T12:00:00.0000000Z", Scalar(upgraded, "SELECT applied_at FROM schema_version WHERE version = 1;"));
        Assert.Equal("2025-03-02T12:00:00.0000000Z", Scalar(upgraded, "SELECT applied_at FROM schema_version WHERE version = 2;"));
    }

    [Fact]
    public void A_failing_migration_leaves_the_database_as_it_was()
    {
        StateDatabase.Open(_data.Path, [CreateHolds], _time);
        var broken = new StateMigration(3, "broken", "CREATE TABLE fine (x INTEGER); THIS IS NOT SQL;");

        Assert.Throws<SqliteException>(() => StateDatabase.Open(_data.Path, [CreateHolds, AddReason, broken], _time));

        var database = StateDatabase.Open(_data.Path, [CreateHolds], _time);
        Assert.Equal([1], database.AppliedVersions());
        Assert.Equal(0L, Scalar(database, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'fine';"));
        Assert.Equal(0L, Scalar(database, "SELECT COUNT(*) FROM pragma_table_info('holds') WHERE name = 'reason';"));
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_naming_it_and_left_as_it_was()
    {
        var path = Path.Combine(_data.Path, StateDatabase.FileName);
        var garbage = Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 % 253)).ToArray();
        File.WriteAllBytes(path, garbage);

        var refused = Assert.Throws<StateDatabaseUnusableException>(() => StateDatabase.Open(_data.Path, StateMigrations.All, _time));

        Assert.Equal(path, refused.Path);
        Assert.Contains(path, refused.Message, StringComparison.Ordinal);
        Assert.Contains("SQLite error 26", refused.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_database_damaged_past_its_header_is_refused_at_open()
    {
        var database = StateDatabase.Open(_data.Path, [CreateHolds], _time);
        for (var i = 0; i < 2000; i++) Insert(database, $"INSERT INTO holds (stack) VALUES ('stack-{i:D5}-{new string('x', 40)}');");
        SqliteConnection.ClearAllPools();
        using (var file = new FileStream(database.Path, FileMode.Open, FileAccess.Write))
        {
            // Page 3 onwards (4 KiB pages): the header, which names the file a database, stays intact.
            file.Position = 2 * 4096;
            file.Write(Enumerable.Repeat((byte)0xA5, 4 * 4096).ToArray());
        }

        var refused = Assert.Throws<StateDatabaseUnusableException>(() => StateDatabase.Open(_data.Path, [CreateHolds], _time));

        Assert.Contains(database.Path, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_from_a_newer_build_is_refused()
    {
        StateDatabase.Open(_data.Path, [CreateHolds, AddReason], _time);

        var refusal = Assert.Throws<InvalidOperationException>(() => StateDatabase.Open(_data.Path, [CreateHolds], _time));

        Assert.Contains("schema version 2", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrations_must_be_numbered_from_one_without_gaps()
    {
        Assert.Throws<ArgumentException>(() => StateDatabase.Open(_data.Path, [AddReason], _time));
        Assert.Throws<ArgumentException>(() => StateDatabase.Open(_data.Path, [CreateHolds, CreateHolds], _time));
    }

    private static object? Scalar(StateDatabase database, string sql)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Insert(StateDatabase database, string sql)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _data.Dispose();
}
