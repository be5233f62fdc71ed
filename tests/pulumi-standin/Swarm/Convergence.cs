namespace Sprocket.PulumiStandin.Swarm;

/// <summary>How a service update ended: converged (tasks running the new spec) or failed with Swarm's reason.</summary>
public sealed record Convergence(bool Succeeded, string Message)
{
    public static readonly Convergence Done = new(true, "");

    public static Convergence Failed(string message) => new(false, message);
}
