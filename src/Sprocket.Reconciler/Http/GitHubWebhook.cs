using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Quartz;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// <c>POST /api/v1/webhooks/github</c>: a push to the desired-state branch fetches at once instead of at the
/// next poll. The body is trusted only after its HMAC-SHA256 (<c>X-Hub-Signature-256</c>) matches the
/// configured secret; the fetch runs as the poll job does, so a webhook and a poll never fetch twice at once.
/// </summary>
public static partial class GitHubWebhook
{
    public const string Path = "/api/v1/webhooks/github";
    private const int MaxBodyBytes = 25 * 1024 * 1024; // GitHub caps payloads at 25 MB.

    public static IEndpointRouteBuilder MapGitHubWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpRequest request,
        IOptionsMonitor<GitHubOptions> github,
        IOptionsMonitor<DesiredStateOptions> desired,
        ISchedulerFactory schedulers,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(GitHubWebhook));
        var secret = github.CurrentValue.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
            return Error("webhook secret not configured (Reconciler:GitHub:WebhookSecret)", StatusCodes.Status503ServiceUnavailable);
        if (request.ContentLength > MaxBodyBytes)
            return Error("payload too large", StatusCodes.Status413PayloadTooLarge);

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();
        if (!SignatureMatches(secret, body, request.Headers["X-Hub-Signature-256"].ToString()))
        {
            LogBadSignature(logger, request.Headers["X-GitHub-Delivery"].ToString());
            return Error("signature does not match", StatusCodes.Status401Unauthorized);
        }

        var kind = request.Headers["X-GitHub-Event"].ToString();
        if (kind == "ping") return Results.Ok(new { message = "pong" });
        if (kind != "push") return Results.Accepted(value: new { message = $"event '{kind}' ignored" });

        var pushedRef = ReadRef(body);
        var wanted = "refs/heads/" + desired.CurrentValue.Branch;
        if (pushedRef != wanted) return Results.Accepted(value: new { message = $"push to {pushedRef} ignored; watching {wanted}" });

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.TriggerJob(DesiredStatePollJob.Key, new JobDataMap { [DesiredStatePollJob.TriggerKey] = ReconcileTrigger.Webhook }, cancellationToken);
        LogPushAccepted(logger, pushedRef, request.Headers["X-GitHub-Delivery"].ToString());
        return Results.Accepted(value: new { message = "fetching " + wanted });
    }

    /// <summary>Constant-time comparison of <c>sha256=&lt;hex&gt;</c> with the HMAC of the exact body bytes.</summary>
    public static bool SignatureMatches(string secret, ReadOnlySpan<byte> body, string header)
    {
        const string prefix = "sha256=";
        if (!header.StartsWith(prefix, StringComparison.Ordinal)) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static string? ReadRef(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("ref", out var value) ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Error(string message, int status) =>
        Results.Json(new ErrorDocument(message), JsonContext.Default.ErrorDocument, statusCode: status);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "GitHub webhook delivery {Delivery} refused: signature does not match")]
    private static partial void LogBadSignature(ILogger logger, string delivery);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "GitHub push to {Ref} (delivery {Delivery}): fetching the desired state now")]
    private static partial void LogPushAccepted(ILogger logger, string @ref, string delivery);
}
