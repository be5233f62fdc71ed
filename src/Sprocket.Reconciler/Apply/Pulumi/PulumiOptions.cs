namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// <c>Reconciler:Pulumi</c>. <see cref="Environment"/> holds every variable the CLI receives
/// (PULUMI_BACKEND_URL, PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE…): their values are secrets, never logged
/// and scrubbed from every message this folder produces.
/// </summary>
public sealed class PulumiOptions
{
    public const string SectionName = "Reconciler:Pulumi";

    /// <summary>The CLI's name (looked up on PATH) or an absolute path, whose folder then goes first on PATH
    /// so that the plugins and language hosts installed beside it are found, as the Automation API does.</summary>
    public string Binary { get; set; } = "pulumi";

    /// <summary>Variables passed to every CLI run. Inherited <c>PULUMI_*</c> variables are dropped: the
    /// backend and its credentials come from configuration only.</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Limit for the short commands (version, install, stack select, config, preview, history).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long <c>pulumi up</c> may run before it is interrupted (SIGINT: Pulumi finishes in-flight
    /// operations, writes its state and releases the lock).</summary>
    public TimeSpan UpTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After an interrupt, how long to wait before escalating to SIGTERM and then to a kill.</summary>
    public TimeSpan InterruptGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>What a daemon shutdown does to a running <c>pulumi up</c>: false (default) lets it finish,
    /// because killing it mid-update leaves the stack locked with pending operations; true sends SIGINT.</summary>
    public bool InterruptUpOnShutdown { get; set; }

    /// <summary>How often the <c>--event-log</c> file is read for new events while <c>up</c> runs.</summary>
    public TimeSpan EventLogPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Updates read by <c>stack history --json --page-size N</c> to find the last succeeded one.</summary>
    public int HistoryPageSize { get; set; } = 20;
}
