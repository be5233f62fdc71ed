namespace Sprocket.Reconciler.Apply;

/// <summary><c>Reconciler:ShutdownGrace</c>: how long a stopping daemon waits for applies in flight before it asks
/// them to cancel. Long by default: an interrupted <c>pulumi up</c> costs more than a slow restart.</summary>
public sealed class ApplyOptions
{
    public const string Section = "Reconciler";

    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromMinutes(10);
}
