namespace Sprocket.Reconciler.State.Migrations;

/// <summary>Each stack's timeline: one row per transition the loop saw or made (see <see cref="StackEventLog"/>).</summary>
internal static class M0004StackEvents
{
    public static StateMigration Migration { get; } = new(4, "stack events", """
        CREATE TABLE stack_events (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            stack        TEXT NOT NULL,
            at           TEXT NOT NULL,
            kind         TEXT NOT NULL,
            message      TEXT NOT NULL,
            tag          TEXT,
            previous_tag TEXT,
            revision     TEXT,
            link         TEXT
        );
        CREATE INDEX stack_events_by_stack ON stack_events (stack, id);
        """);
}
