namespace Sprocket.Reconciler.State.Migrations;

/// <summary>Per-stack runtime state the policy remembers across restarts: holds, failures, refused tags (see <see cref="StackStateStore"/>).</summary>
internal static class M0002StackState
{
    public static StateMigration Migration { get; } = new(2, "stack runtime state", """
        CREATE TABLE stack_state (
            stack      TEXT PRIMARY KEY,
            state      TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """);
}
