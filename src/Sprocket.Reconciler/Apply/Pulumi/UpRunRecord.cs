using System.Diagnostics;
using System.Text.Json;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// "This daemon has a <c>pulumi up</c> running for this stack": written when <c>up</c> starts, removed when it
/// exits. Found at the start of a later apply, it means our own earlier run never reported back (the daemon
/// died mid-update), which is what the lock rule in README.md needs to tell our lock from someone else's.
/// Lives at <c>&lt;DataDirectory&gt;/pulumi/runs/&lt;stack&gt;.json</c>.
/// </summary>
internal sealed record UpRunRecord(int ProcessId, DateTimeOffset StartedAt, string Tag, string Stack)
{
    public static string PathFor(string dataDirectory, string stackName) =>
        Path.Combine(Path.GetFullPath(dataDirectory), "pulumi", "runs", stackName + ".json");

    public static UpRunRecord? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<UpRunRecord>(File.ReadAllText(path)) : null;
        }
        catch (Exception problem) when (problem is JsonException or IOException)
        {
            // A record cut short by the crash it is meant to witness still says a run was under way.
            return new UpRunRecord(0, DateTimeOffset.MinValue, "", "");
        }
    }

    public void Write(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var staging = path + ".tmp";
        File.WriteAllText(staging, JsonSerializer.Serialize(this));
        File.Move(staging, path, overwrite: true);
    }

    public static void Remove(string path) => File.Delete(path);

    /// <summary>True while the recorded pulumi process still runs (same pid, started no later than recorded,
    /// so a recycled pid is not mistaken for it).</summary>
    public bool IsStillRunning()
    {
        if (ProcessId <= 0)
            return false;
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return !process.HasExited && process.StartTime.ToUniversalTime() <= StartedAt.UtcDateTime.AddSeconds(5);
        }
        catch (Exception problem) when (problem is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
