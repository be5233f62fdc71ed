namespace Sprocket.Reconciler.State.Migrations;

/// <summary>Which digest each repository:tag pointed at, and when it was first and last seen (see <see cref="DigestLedger"/>).</summary>
internal static class M0001DigestLedger
{
    public static StateMigration Migration { get; } = new(1, "digest ledger", """
        CREATE TABLE digest_ledger (
            repository TEXT NOT NULL,
            tag        TEXT NOT NULL,
            digest     TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen  TEXT NOT NULL,
            PRIMARY KEY (repository, tag, digest)
        );
        CREATE INDEX digest_ledger_by_digest ON digest_ledger (repository, digest);
        """);
}
