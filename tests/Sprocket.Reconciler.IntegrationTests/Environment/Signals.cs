using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

/// <summary>
/// Sends a POSIX signal to one process through libc, not the <c>kill</c> binary: a minimal Debian has none
/// (procps is not installed), and the tests may use only what tests/env/swarm.sh installs. .NET has no API to
/// send SIGTERM or SIGINT (<see cref="System.Diagnostics.Process.Kill()"/> sends SIGKILL on Unix).
/// </summary>
public static class Signals
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/> only (not its group); false when the
    /// process is already gone, throws on any other failure.</summary>
    public static bool Send(int pid, int signal)
    {
        if (Kill(pid, signal) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        const int NoSuchProcess = 3; // ESRCH
        if (errno == NoSuchProcess) return false;
        throw new Win32Exception(errno, $"kill({pid}, {signal}) failed");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
