namespace Sprocket.Reconciler.State;

/// <summary>Where the daemon keeps what must survive a restart. Bound from section <c>Reconciler</c> (key <c>DataDirectory</c>).</summary>
public sealed class StateOptions
{
    public const string SectionName = "Reconciler";

    /// <summary>Folder holding <see cref="StateDatabase.FileName"/>; created when missing. Relative paths are taken from the working directory.</summary>
    public string DataDirectory { get; set; } = "data";
}
