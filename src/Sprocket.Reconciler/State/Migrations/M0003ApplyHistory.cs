namespace Sprocket.Reconciler.State.Migrations;

/// <summary>One row per apply: the deployment BOM (see <see cref="ApplyHistory"/>).</summary>
internal static class M0003ApplyHistory
{
    public static StateMigration Migration { get; } = new(3, "apply history", """
        CREATE TABLE apply_history (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            stack       TEXT NOT NULL,
            engine      TEXT NOT NULL,
            mode        TEXT NOT NULL,
            trigger     TEXT NOT NULL,
            revision    TEXT NOT NULL,
            tag         TEXT NOT NULL,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            outcome     TEXT,
            message     TEXT,
            services    TEXT NOT NULL,
            preview     TEXT
        );
        CREATE INDEX apply_history_by_stack ON apply_history (stack, id);
        """);
}
