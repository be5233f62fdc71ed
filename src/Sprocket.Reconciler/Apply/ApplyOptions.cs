namespace Sprocket.Reconciler.Apply;

/// <summary><c>Reconciler:ShutdownGrace</c>: how long a stopping daemon waits for applies in flight before it asks
/// them to cancel. Long by default: an interrupted <c>pulumi up</c> costs more than a slow restart.</summary>
public sealed class ApplyOptions
{
    public const string Section = "Reconciler";

    /// <summary>How long a stopping daemon still waits after <see cref="ShutdownGrace"/> ran out and it asked the
    /// applies to cancel (the swarm engine stops waiting for convergence; a running <c>pulumi up</c> gets SIGINT only
    /// under <c>Reconciler:Pulumi:InterruptUpOnShutdown</c>). The host's shutdown timeout, and so the stack file's
    /// <c>stop_grace_period</c>, must cover ShutdownGrace plus this.</summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromMinutes(1);

    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary><c>Reconciler:ResyncInterval</c>: how often every stack is looked at although nothing said it changed, and
    /// the applied tags only an engine knows (pulumi) are read again — the safety net under events and polls.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);
}
