namespace Sprocket.Reconciler.Git;

public enum DesiredFetchFailureReason
{
    /// <summary>The remote could not be reached or is not a repository (network, DNS, wrong path or URL).</summary>
    Unreachable,

    /// <summary>The remote asked for credentials and none were configured, or it rejected them.</summary>
    Authentication,

    /// <summary>The remote has no such branch.</summary>
    BranchMissing,

    /// <summary>The branch head has no file (a blob) at the configured path.</summary>
    FileMissing,

    /// <summary>The local clone under the data directory could not be written or read, even after re-cloning.</summary>
    Storage,
}

public static class DesiredFetchFailureReasons
{
    /// <summary>The stable label used for the metric's <c>reason</c> tag and in logs.</summary>
    public static string ToTagValue(this DesiredFetchFailureReason reason) => reason switch
    {
        DesiredFetchFailureReason.Unreachable => "unreachable",
        DesiredFetchFailureReason.Authentication => "auth",
        DesiredFetchFailureReason.BranchMissing => "branch-missing",
        DesiredFetchFailureReason.FileMissing => "file-missing",
        DesiredFetchFailureReason.Storage => "storage",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
