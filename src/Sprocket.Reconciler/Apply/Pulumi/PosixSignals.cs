using System.Runtime.InteropServices;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// SIGINT/SIGTERM for a child process. .NET can only kill (SIGKILL), and killing <c>pulumi up</c> leaves the
/// stack locked with pending operations; on SIGINT Pulumi finishes in-flight steps, saves state and unlocks.
/// </summary>
internal static class PosixSignals
{
    public const int Interrupt = 2;
    public const int Terminate = 15;

    /// <summary>False on Windows or when the process is gone.</summary>
    public static bool Send(int processId, int signal) => !OperatingSystem.IsWindows() && Kill(processId, signal) == 0;

    // DllImport rather than LibraryImport: the generated stub needs unsafe code, which the host does not enable.
    [DllImport("libc", EntryPoint = "kill")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int sig);
}
