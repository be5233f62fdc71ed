using System.Net.Sockets;
using Docker.DotNet;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>Which errors of a convergence look mean "the engine did not answer" rather than an answer.</summary>
internal static class ConvergenceLookErrors
{
    /// <summary>
    /// A transport failure (the socket refused or dropped, a stream cut short), a look that ran out of time, or a 5xx
    /// (the engine up but without a Raft leader for a moment): an outage, worth looking again. A 4xx or any other error
    /// is the engine's answer, or our bug; looking again would only hide it until the timeout.
    /// </summary>
    public static bool IsNoAnswer(Exception exception) => exception switch
    {
        DockerApiException api => (int)api.StatusCode >= 500,
        OperationCanceledException or TimeoutException or HttpRequestException or SocketException or IOException => true,
        _ => exception.InnerException is { } inner && IsNoAnswer(inner),
    };
}
