using System.Runtime.InteropServices;

namespace Sprocket.PulumiStandin.Engine;

/// <summary>
/// SIGINT/SIGTERM as the real CLI handles them during an update (pkg/backend cancellationScope): the first
/// signal cancels gracefully — operations in flight finish, nothing new starts, the log still ends with
/// summaryEvent and cancelEvent, the lock is released; a second signal terminates at once.
/// </summary>
public sealed class CancellationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Action<string> _announce;
    private readonly Action _terminate;

    public CancellationSignals(Action<string> announce, Action terminate)
    {
        _announce = announce;
        _terminate = terminate;
        // Go's os/signal (doc.go: "If the program was started with SIGHUP or SIGINT ignored, and Notify is called for
        // either signal, a signal handler will be installed for that signal and it will no longer be ignored") un-ignores
        // SIGINT for the real CLI. The .NET runtime instead leaves an inherited SIG_IGN in place, so a CLI started by a
        // background job of a non-interactive shell (which ignores SIGINT) would never see the daemon's interrupt.
        RestoreDefault(SigInt);
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle));
    }

    public CancellationToken Token => _cancellation.Token;

    public bool IsCancelled => _cancellation.IsCancellationRequested;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancellation.Dispose();
    }

    private const int SigInt = 2;

    private static void RestoreDefault(int signal) => _ = SetDisposition(signal, IntPtr.Zero); // SIG_DFL

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr SetDisposition(int signal, IntPtr handler);

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        var name = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "^C";
        if (!_cancellation.IsCancellationRequested)
        {
            var again = context.Signal == PosixSignal.SIGTERM ? "send SIGTERM again" : "press ^C again";
            _announce($"{name} received; cancelling. If you would like to terminate immediately, {again}.\n" +
                     "Note that terminating immediately may lead to orphaned resources and other inconsistencies.\n");
            _cancellation.Cancel();
        }
        else
        {
            _announce($"{name} received; terminating");
            _terminate();
        }
    }
}
