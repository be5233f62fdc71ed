namespace Sprocket.Reconciler.Hosting;

/// <summary>
/// The keys at the root of section <c>Reconciler</c>, bound through this one class by every feature that reads them.
/// </summary>
public sealed class ReconcilerOptions
{
    public const string SectionName = "Reconciler";

    /// <summary>
    /// The daemon's storage root: the state database and, under <c>&lt;DataDirectory&gt;/desired/</c>, the
    /// desired-state clone. Required. Relative paths are taken from the working directory.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>How long a stopping daemon waits for applies in flight before it asks them to cancel. Long by
    /// default: an interrupted <c>pulumi up</c> costs more than a slow restart.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a stopping daemon still waits after <see cref="ShutdownGrace"/> ran out and it asked the work in
    /// flight to cancel (the swarm engine stops waiting for convergence; a running <c>pulumi up</c> gets SIGINT only under
    /// <c>Reconciler:Pulumi:InterruptUpOnShutdown</c>). The host's shutdown timeout, and so the stack file's <c>stop_grace_period</c>, must cover
    /// ShutdownGrace plus this.</summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromMinutes(1);

    /// <summary>How often every stack is looked at although nothing said it changed, and the applied tags only an engine
    /// knows (pulumi) are read again: the safety net under events, polls and rechecks.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an open circuit (a stack's <c>maxConsecutiveFailures</c> failed applies in a row) waits before
    /// it half-opens: one trial apply, which closes the circuit on success or re-opens it for another cool-down.</summary>
    public TimeSpan CircuitCoolDown { get; set; } = Core.Policy.ReconcilePolicy.DefaultCircuitCoolDown;

    /// <summary>Where the status page is reachable from outside; notifications link to it when set.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The full key of a property of this class, e.g. <c>Reconciler:DataDirectory</c>.</summary>
    public static string Key(string property) => $"{SectionName}:{property}";
}
