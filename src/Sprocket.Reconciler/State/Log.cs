namespace Sprocket.Reconciler.State;

/// <summary>Event ids 4100–4149 belong to State/.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "State database {Path} migrated to schema version {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, string path, int version, string name);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "State database {Path} opened at schema version {Version}")]
    public static partial void DatabaseOpened(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Digest ledger loaded {Count} entries")]
    public static partial void LedgerLoaded(ILogger logger, int count);
}
