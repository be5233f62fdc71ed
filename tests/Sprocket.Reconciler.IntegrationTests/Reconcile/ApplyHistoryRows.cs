using Microsoft.Data.Sqlite;

namespace Sprocket.Reconciler.IntegrationTests.Reconcile;

/// <summary>One row of the daemon's <c>apply_history</c> table (its deployment BOM), read with SQL, not through the daemon's types.
/// <see cref="Services"/> is the raw JSON list of each service's image before and after.</summary>
public sealed record ApplyHistoryRow(long Id, string Stack, string Engine, string Trigger, string Tag, string StartedAt, string? FinishedAt, string? Outcome, string? Message, string Services);

/// <summary>Reads <c>&lt;DataDirectory&gt;/reconciler.db</c> read-only, so the test never writes to the daemon's database.</summary>
public static class ApplyHistoryRows
{
    public static IReadOnlyList<ApplyHistoryRow> Read(string dataDirectory, string stack)
    {
        var path = Path.Combine(dataDirectory, "reconciler.db");
        if (!File.Exists(path)) return [];
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, stack, engine, trigger, tag, started_at, finished_at, outcome, message, services
            FROM apply_history WHERE stack = $stack ORDER BY id;
            """;
        command.Parameters.AddWithValue("$stack", stack);
        using var reader = command.ExecuteReader();
        var rows = new List<ApplyHistoryRow>();
        while (reader.Read())
        {
            rows.Add(new ApplyHistoryRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetString(9)));
        }

        return rows;
    }
}
