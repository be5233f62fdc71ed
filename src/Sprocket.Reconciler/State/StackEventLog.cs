namespace Sprocket.Reconciler.State;

/// <summary>
/// Each stack's timeline in the state database: what the loop saw and did, one row per transition (never per
/// pass). Only the newest <see cref="KeepPerStack"/> rows of a stack are kept; older ones are pruned as new ones
/// arrive, so the table stays bounded without a sweeper.
/// </summary>
public sealed class StackEventLog(StateDatabase database, int keepPerStack = StackEventLog.DefaultKeepPerStack)
{
    public const int DefaultKeepPerStack = 1_000;

    public int KeepPerStack { get; } = keepPerStack > 0 ? keepPerStack : throw new ArgumentOutOfRangeException(nameof(keepPerStack), keepPerStack, "must be positive");

    /// <summary>Records one event and prunes the stack's rows beyond <see cref="KeepPerStack"/>; returns its id.</summary>
    public long Append(string stack, DateTimeOffset at, StackEventKind kind, string message,
        string? tag = null, string? previousTag = null, string? revision = null, string? link = null)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO stack_events (stack, at, kind, message, tag, previous_tag, revision, link)
            VALUES ($stack, $at, $kind, $message, $tag, $previous, $revision, $link)
            RETURNING id;
            """;
        insert.Parameters.AddWithValue("$stack", stack);
        insert.Parameters.AddWithValue("$at", StateTime.Format(at));
        insert.Parameters.AddWithValue("$kind", kind.Spell());
        insert.Parameters.AddWithValue("$message", message);
        insert.Parameters.AddWithValue("$tag", (object?)tag ?? DBNull.Value);
        insert.Parameters.AddWithValue("$previous", (object?)previousTag ?? DBNull.Value);
        insert.Parameters.AddWithValue("$revision", (object?)revision ?? DBNull.Value);
        insert.Parameters.AddWithValue("$link", (object?)link ?? DBNull.Value);
        var id = (long)insert.ExecuteScalar()!;

        // The (stack, id) index makes this a walk of KeepPerStack index entries and a range delete of the few rows
        // past them: cheap, and appends only happen on transitions.
        using var prune = connection.CreateCommand();
        prune.Transaction = transaction;
        prune.CommandText = """
            DELETE FROM stack_events WHERE stack = $stack AND id <= (
                SELECT id FROM stack_events WHERE stack = $stack ORDER BY id DESC LIMIT 1 OFFSET $keep);
            """;
        prune.Parameters.AddWithValue("$stack", stack);
        prune.Parameters.AddWithValue("$keep", KeepPerStack);
        prune.ExecuteNonQuery();

        transaction.Commit();
        return id;
    }

    /// <summary>The stack's newest event of one of <paramref name="kinds"/>; null when it has none.</summary>
    public StackEvent? Newest(string stack, IReadOnlyCollection<StackEventKind> kinds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(kinds.Count);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        var names = kinds.Select((kind, i) => (Name: $"$kind{i}", Spelling: kind.Spell())).ToList();
        // Walks the (stack, id) index from the newest row: the kinds asked for are frequent in a stack's timeline.
        command.CommandText = $"""
            SELECT id, stack, at, kind, message, tag, previous_tag, revision, link
            FROM stack_events WHERE stack = $stack AND kind IN ({string.Join(", ", names.Select(n => n.Name))}) ORDER BY id DESC LIMIT 1;
            """;
        command.Parameters.AddWithValue("$stack", stack);
        foreach (var (name, spelling) in names) command.Parameters.AddWithValue(name, spelling);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>
    /// A page of a stack's events, newest first: at most <paramref name="limit"/> rows with an id below
    /// <paramref name="beforeId"/> (all when null). The last row's id is the <paramref name="beforeId"/> of the next page.
    /// </summary>
    public IReadOnlyList<StackEvent> Page(string stack, int limit, long? beforeId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, stack, at, kind, message, tag, previous_tag, revision, link
            FROM stack_events WHERE stack = $stack AND id < $before ORDER BY id DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$stack", stack);
        command.Parameters.AddWithValue("$before", beforeId ?? long.MaxValue);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var events = new List<StackEvent>();
        while (reader.Read()) events.Add(Read(reader));
        return events;
    }

    private static StackEvent Read(Microsoft.Data.Sqlite.SqliteDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), StateTime.Parse(reader.GetString(2)), reader.GetString(3), reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8));
}

/// <summary>
/// One entry of a stack's timeline. <see cref="Kind"/> is a <see cref="StackEventKind"/> spelling (kept as text so
/// rows written by a newer build still read); <see cref="Tag"/> is the tag the event is about and
/// <see cref="PreviousTag"/> the one it replaced; <see cref="Link"/> the write-back commit or pull request.
/// </summary>
public sealed record StackEvent(long Id, string Stack, DateTimeOffset At, string Kind, string Message, string? Tag,
    string? PreviousTag, string? Revision, string? Link);
