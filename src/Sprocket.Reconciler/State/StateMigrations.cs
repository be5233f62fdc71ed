using Sprocket.Reconciler.State.Migrations;

namespace Sprocket.Reconciler.State;

/// <summary>
/// The ordered schema history. A feature that needs a table adds a file under Migrations/ and one
/// line here with the next version number; it never opens the database its own way.
/// </summary>
public static class StateMigrations
{
    public static IReadOnlyList<StateMigration> All { get; } =
    [
        M0001DigestLedger.Migration,
        M0002StackState.Migration,
        M0003ApplyHistory.Migration,
        M0004StackEvents.Migration,
    ];
}
