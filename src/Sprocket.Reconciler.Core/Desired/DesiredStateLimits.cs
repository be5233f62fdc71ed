namespace Sprocket.Reconciler.Core.Desired;

/// <summary>
/// Every bound the parser puts on a desired-state file, in one place so the README, the JSON schema
/// (config/desired-state.schema.json, tested against these) and the error messages agree. Each is far
/// above what a real file needs and low enough that whatever a commit holds, validating it is cheap
/// and the daemon never meets a value that it, git, Pulumi or Docker would refuse later.
/// </summary>
public static class DesiredStateLimits
{
    /// <summary>Stacks in one file; the daemon is designed and benchmarked for 500.</summary>
    public const int MaxStacks = 1_000;

    /// <summary>Entries of one stack's <c>services</c>, and separately of its <c>observeOnly</c>.</summary>
    public const int MaxServicesPerStack = 100;

    /// <summary>Sync windows of one stack.</summary>
    public const int MaxSyncWindows = 20;

    /// <summary>Any string value not bounded more tightly below.</summary>
    public const int MaxTextLength = 1_024;

    /// <summary>A Docker stack name prefixes service names, which are DNS labels of at most 63 characters.</summary>
    public const int MaxStackNameLength = 63;

    /// <summary>Docker's own bound on a repository name.</summary>
    public const int MaxRepositoryLength = 255;

    /// <summary>Docker's own bound on a tag.</summary>
    public const int MaxTagLength = 128;

    /// <summary>A Swarm service name glob; service names themselves are at most 63 characters.</summary>
    public const int MaxMatchLength = 255;

    /// <summary>Pulumi's bound on a project name; also used for the stack name and config key.</summary>
    public const int MaxPulumiNameLength = 100;

    /// <summary>A git URL or local path of the Pulumi program.</summary>
    public const int MaxProgramRepositoryLength = 2_048;

    /// <summary>A git branch, tag or commit id.</summary>
    public const int MaxRefLength = 255;

    /// <summary>A regular expression for tags (at most 128 characters) needs nowhere near this.</summary>
    public const int MaxTagPatternLength = 256;

    /// <summary>An IANA time zone id; the longest is about 30 characters.</summary>
    public const int MaxTimeZoneLength = 64;

    /// <summary>How long a rollback must hold before it is written back; longer would never write back in practice.</summary>
    public static readonly TimeSpan MaxStabilization = TimeSpan.FromHours(24);

    /// <summary>Failed applies in a row before a stack stops retrying.</summary>
    public const int MaxConsecutiveFailures = 100;
}
