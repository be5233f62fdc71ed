namespace Sprocket.Reconciler.Core.Drift;

/// <summary>Contract values for <c>services[].drift</c> and the <c>reason</c> metric label; dashboards and alert rules match them.</summary>
public static class DriftReason
{
    public const string None = "none";
    public const string EmergencyRollback = "emergency-rollback";
    public const string FailedUpdateRollback = "failed-update-rollback";
    public const string ManualChange = "manual-change";
    public const string Missing = "missing";
    public const string TagMoved = "tag-moved";

    public static IReadOnlyList<string> All { get; } =
        [None, EmergencyRollback, FailedUpdateRollback, ManualChange, Missing, TagMoved];
}

/// <summary>Contract values for the stack <c>status</c> and the <c>status</c> metric label.</summary>
public static class StackStatus
{
    public const string Synced = "synced";
    public const string OutOfSync = "out-of-sync";
    public const string Drifted = "drifted";
    public const string Held = "held";
    public const string Applying = "applying";
    public const string Failed = "failed";
    public const string Invalid = "invalid";

    public static IReadOnlyList<string> All { get; } = [Synced, OutOfSync, Drifted, Held, Applying, Failed, Invalid];
}
