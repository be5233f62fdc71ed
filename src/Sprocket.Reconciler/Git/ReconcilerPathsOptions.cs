namespace Sprocket.Reconciler.Git;

/// <summary>
/// The daemon's own storage root, <c>Reconciler:DataDirectory</c>. The desired-state clone lives under
/// <c>&lt;DataDirectory&gt;/desired/</c>; other components may bind the same key for their own sub-folders.
/// </summary>
public sealed class ReconcilerPathsOptions
{
    public const string SectionName = "Reconciler";

    public string DataDirectory { get; set; } = "";
}
