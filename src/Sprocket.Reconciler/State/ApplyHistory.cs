using System.Text.Json;
using Sprocket.Reconciler.Apply;

namespace Sprocket.Reconciler.State;

/// <summary>
/// The apply history: each row a deployment BOM — stack, trigger, desired revision, tag, every service's
/// image before and after, the preview, the outcome and the times. A row is written when the apply starts
/// and completed when it ends, so a crash mid-apply leaves a visible unfinished record.
/// </summary>
public sealed class ApplyHistory(StateDatabase database)
{
    public long Started(ApplyRecord record)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO apply_history (stack, engine, mode, trigger, revision, tag, started_at, services)
            VALUES ($stack, $engine, $mode, $trigger, $revision, $tag, $started, $services)
            RETURNING id;
            """;
        command.Parameters.AddWithValue("$stack", record.Stack);
        command.Parameters.AddWithValue("$engine", record.Engine);
        command.Parameters.AddWithValue("$mode", record.Mode);
        command.Parameters.AddWithValue("$trigger", record.Trigger);
        command.Parameters.AddWithValue("$revision", record.Revision);
        command.Parameters.AddWithValue("$tag", record.Tag);
        command.Parameters.AddWithValue("$started", StateTime.Format(record.StartedAt));
        command.Parameters.AddWithValue("$services", JsonSerializer.Serialize(record.Services, StateJson.Default.IReadOnlyListApplyRecordService));
        return (long)command.ExecuteScalar()!;
    }

    public void Finished(long id, DateTimeOffset at, string outcome, string message, IReadOnlyList<ApplyRecordService> services, PreviewSummary? preview)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE apply_history SET finished_at = $at, outcome = $outcome, message = $message, services = $services, preview = $preview
            WHERE id = $id;
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$at", StateTime.Format(at));
        command.Parameters.AddWithValue("$outcome", outcome);
        command.Parameters.AddWithValue("$message", message);
        command.Parameters.AddWithValue("$services", JsonSerializer.Serialize(services, StateJson.Default.IReadOnlyListApplyRecordService));
        command.Parameters.AddWithValue("$preview", preview is null ? DBNull.Value : JsonSerializer.Serialize(preview, StateJson.Default.PreviewSummary));
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Closes every apply a previous run of the daemon started and never finished (it was killed mid-apply): outcome
    /// <see cref="InterruptedOutcome"/>, finished at <paramref name="at"/>. Called once at start, before any apply, so
    /// no row stays "unfinished" forever; what the interrupted apply left running is judged by the next evaluation
    /// from the live specs, never by re-running the row. Returns the rows closed.
    /// </summary>
    public IReadOnlyList<ApplyRecord> CloseInterrupted(DateTimeOffset at)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE apply_history SET finished_at = $at, outcome = $outcome, message = $message
            WHERE finished_at IS NULL
            RETURNING id, stack, tag;
            """;
        command.Parameters.AddWithValue("$at", StateTime.Format(at));
        command.Parameters.AddWithValue("$outcome", InterruptedOutcome);
        command.Parameters.AddWithValue("$message", InterruptedMessage);
        using var reader = command.ExecuteReader();
        var closed = new List<(long Id, string Stack)>();
        while (reader.Read()) closed.Add((reader.GetInt64(0), reader.GetString(1)));
        reader.Close();
        return [.. closed.SelectMany(row => Page(row.Stack, 1, row.Id + 1).Where(record => record.Id == row.Id))];
    }

    /// <summary>The outcome of an apply the daemon did not see end (not an <see cref="Sprocket.Reconciler.Core.Policy.ApplyOutcome"/>: no engine reports it).</summary>
    public const string InterruptedOutcome = "Interrupted";

    private const string InterruptedMessage =
        "the daemon stopped before this apply ended (killed or crashed); the next evaluation judged what runs from the live specs";

    /// <summary>The newest records of a stack, newest first.</summary>
    public IReadOnlyList<ApplyRecord> Recent(string stack, int count) => Page(stack, count, null);

    /// <summary>
    /// A page of a stack's applies, newest first: at most <paramref name="limit"/> records with an id below
    /// <paramref name="beforeId"/> (all when null). The last record's id is the <paramref name="beforeId"/> of the next page.
    /// </summary>
    public IReadOnlyList<ApplyRecord> Page(string stack, int limit, long? beforeId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, stack, engine, mode, trigger, revision, tag, started_at, finished_at, outcome, message, services, preview
            FROM apply_history WHERE stack = $stack AND id < $before ORDER BY id DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$stack", stack);
        command.Parameters.AddWithValue("$before", beforeId ?? long.MaxValue);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var records = new List<ApplyRecord>();
        while (reader.Read())
        {
            records.Add(new ApplyRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), StateTime.Parse(reader.GetString(7)),
                reader.IsDBNull(8) ? null : StateTime.Parse(reader.GetString(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                JsonSerializer.Deserialize(reader.GetString(11), StateJson.Default.IReadOnlyListApplyRecordService) ?? [],
                reader.IsDBNull(12) ? null : JsonSerializer.Deserialize(reader.GetString(12), StateJson.Default.PreviewSummary)));
        }
        return records;
    }
}

/// <summary>
/// One apply as recorded; <see cref="FinishedAt"/> null means it never finished (the daemon died mid-apply).
/// <see cref="Preview"/> is the engine's preview summary, stored when the apply ends (null for engines without one).
/// </summary>
public sealed record ApplyRecord(
    long Id,
    string Stack,
    string Engine,
    string Mode,
    string Trigger,
    string Revision,
    string Tag,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Outcome,
    string? Message,
    IReadOnlyList<ApplyRecordService> Services,
    PreviewSummary? Preview = null);

/// <summary>A service's image before the apply and after it (the digest is what ran).</summary>
public sealed record ApplyRecordService(string Service, string Repository, string? ImageBefore, string? ImageAfter);
