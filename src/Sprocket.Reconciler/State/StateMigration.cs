namespace Sprocket.Reconciler.State;

/// <summary>
/// One step of the database schema. Versions only ever grow: a released migration is never edited,
/// a change is a new migration, so every database reaches the same schema by the same path.
/// </summary>
public sealed record StateMigration(int Version, string Name, string Sql);
