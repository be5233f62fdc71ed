namespace Sprocket.Reconciler.FaultTests;

/// <summary>What <see cref="FaultyHttpProxy"/> does with a connection.</summary>
public enum HttpFaultMode
{
    /// <summary>Pass every byte to the real server and back.</summary>
    Forward,
    /// <summary>No listener on the port: connecting is refused, as when the server is down.</summary>
    Refuse,
    /// <summary>Accept and never answer, as a hung server or a black-holed route does.</summary>
    Stall,
    /// <summary>Answer every request <c>429 Too Many Requests</c> with a <c>Retry-After</c>.</summary>
    RateLimit,
    /// <summary>Answer every request <c>503 Service Unavailable</c>, as a load balancer in front of a server that is
    /// down (or the server itself, overloaded) does.</summary>
    ServerError,
}
