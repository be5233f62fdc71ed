using System.Net;
using Docker.DotNet;

namespace Sprocket.Reconciler.Apply.Swarm;

/// <summary>What the engine's error answers mean to the swarm engine.</summary>
internal static class DockerErrors
{
    // dockerd 20.10 answers a ServiceUpdate whose version is stale with HTTP 500 and
    // {"message":"rpc error: code = Unknown desc = update out of sequence"} (verified, see README). Newer engines may
    // map the gRPC error to another status, so the text decides.
    private const string OutOfSequence = "update out of sequence";

    public static bool IsVersionConflict(Exception exception) =>
        exception is DockerApiException api
        && api.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.Conflict
        && (api.ResponseBody ?? "").Contains(OutOfSequence, StringComparison.OrdinalIgnoreCase);

    /// <summary>404 <c>{"message":"service X not found"}</c>.</summary>
    public static bool IsNotFound(Exception exception) =>
        exception is DockerApiException { StatusCode: HttpStatusCode.NotFound };

    /// <summary>The engine's own message (<c>{"message": "…"}</c>) when there is one, else the exception's.</summary>
    public static string Describe(Exception exception)
    {
        if (exception is DockerApiException api)
        {
            var body = api.ResponseBody ?? "";
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(body);
                if (document.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
                    return $"{text} (HTTP {(int)api.StatusCode})";
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON: fall through to the raw body.
            }
            return $"HTTP {(int)api.StatusCode} {body}".Trim();
        }
        return exception.GetBaseException().Message;
    }
}
