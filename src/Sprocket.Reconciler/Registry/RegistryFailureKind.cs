namespace Sprocket.Reconciler.Registry;

/// <summary>Why a registry question got no answer. The reconcile loop treats each differently (a missing tag blocks an apply; an outage only delays it).</summary>
public enum RegistryFailureKind
{
    /// <summary>The repository or tag does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The registry refused us: no or wrong credentials, or no pull right (401/403, or the token endpoint said no).</summary>
    Unauthorized,

    /// <summary>No answer: connection refused, DNS, TLS, timeout, or a gateway error (502/503/504).</summary>
    Unreachable,

    /// <summary>Any other unexpected answer (malformed response, unsupported auth, a 4xx we do not expect).</summary>
    Other,

    /// <summary>The registry asked us to slow down (HTTP 429), possibly saying for how long (Retry-After).</summary>
    RateLimited,
}
