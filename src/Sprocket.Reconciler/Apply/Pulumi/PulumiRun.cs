using System.Diagnostics;

namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// A started CLI process the caller controls: nothing here stops it on its own. <see cref="Interrupt"/> is
/// Pulumi's graceful cancel (first SIGINT: finish in-flight steps, save state, release the lock);
/// <see cref="Terminate"/> and <see cref="Kill"/> are escalations that may leave the stack locked.
/// </summary>
internal sealed class PulumiRun : IDisposable
{
    private readonly Process _process;

    internal PulumiRun(Process process, Task<PulumiCliResult> completion)
    {
        _process = process;
        Completion = completion;
        ProcessId = process.Id;
    }

    public int ProcessId { get; }

    public Task<PulumiCliResult> Completion { get; }

    public bool Interrupt() => PosixSignals.Send(ProcessId, PosixSignals.Interrupt);

    public bool Terminate() => PosixSignals.Send(ProcessId, PosixSignals.Terminate);

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose() => _process.Dispose();
}
