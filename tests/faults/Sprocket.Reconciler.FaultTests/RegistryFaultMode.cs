namespace Sprocket.Reconciler.FaultTests;

/// <summary>What <see cref="FaultyRegistryProxy"/> does with a connection.</summary>
public enum RegistryFaultMode
{
    /// <summary>Pass every byte to the real registry and back.</summary>
    Forward,
    /// <summary>No listener on the port: connecting is refused, as when the registry is down.</summary>
    Refuse,
    /// <summary>Accept and never answer, as a hung registry or a black-holed route does.</summary>
    Stall,
    /// <summary>Answer every request <c>429 Too Many Requests</c> with a <c>Retry-After</c>.</summary>
    RateLimit,
}
