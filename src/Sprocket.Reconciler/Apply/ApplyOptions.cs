namespace Sprocket.Reconciler.Apply;

/// <summary>
/// What the apply runner is given: <c>Reconciler:ShutdownGrace</c>, copied from <see cref="Hosting.ReconcilerOptions"/>
/// (the one class bound from the root keys), and the fixed <see cref="CancelGrace"/>.
/// </summary>
public sealed class ApplyOptions
{
    /// <summary>The section <see cref="ShutdownGrace"/> comes from, for the start-up configuration check.</summary>
    public const string Section = Hosting.ReconcilerOptions.SectionName;

    /// <summary>How long a stopping daemon still waits after <see cref="ShutdownGrace"/> ran out and it asked the
    /// applies to cancel (the swarm engine stops waiting for convergence; a running <c>pulumi up</c> gets SIGINT only
    /// under <c>Reconciler:Pulumi:InterruptUpOnShutdown</c>). The host's shutdown timeout, and so the stack file's
    /// <c>stop_grace_period</c>, must cover ShutdownGrace plus this.</summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromMinutes(1);

    public TimeSpan ShutdownGrace { get; set; } = new Hosting.ReconcilerOptions().ShutdownGrace;
}
