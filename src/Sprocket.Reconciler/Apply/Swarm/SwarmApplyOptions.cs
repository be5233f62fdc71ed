namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>Bound from <c>Reconciler:Swarm</c>: how the <c>swarm</c> engine waits for Swarm to roll an update out.</summary>
public sealed class SwarmApplyOptions
{
    public const string SectionName = "Reconciler:Swarm";

    /// <summary>How long one apply waits for every service to report a completed update with all tasks running.
    /// Must cover the services' own update settings (parallelism, delay, monitor) times their replicas.</summary>
    public TimeSpan ConvergenceTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Pause between two looks at the services while they converge.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a ServiceUpdate rejected as "update out of sequence" (someone changed the service between
    /// our read and our write) is re-read and sent again before the apply fails.</summary>
    public int MaxVersionConflictRetries { get; set; } = 3;
}
