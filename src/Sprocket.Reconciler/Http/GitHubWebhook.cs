using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Quartz;
using Sprocket.Reconciler.Git;
using Sprocket.Reconciler.Reconcile;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// <c>POST /api/v1/webhooks/github</c>: a push to the desired-state branch fetches at once instead of at the
/// next poll. The body is trusted only after its HMAC-SHA256 (<c>X-Hub-Signature-256</c>) matches the
/// configured secret; the fetch runs as the poll job does, so a webhook and a poll never fetch twice at once.
/// Both content types GitHub offers are read (JSON, and the UI's default form with the JSON in <c>payload</c>).
/// Pushes of another repository, of another branch, or deleting the branch are answered 200 and fetch nothing;
/// a body GitHub would not send is answered 400 with the reason.
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

        var body = await ReadBodyAsync(request.Body, cancellationToken);
        if (body is null)
            return Error("payload too large", StatusCodes.Status413PayloadTooLarge);
        var delivery = request.Headers["X-GitHub-Delivery"].ToString();
        // GitHub signs the body exactly as sent, form encoding included, so the check comes before any decoding.
        if (!SignatureMatches(secret, body, request.Headers["X-Hub-Signature-256"].ToString()))
        {
            LogBadSignature(logger, delivery);
            return Error("signature does not match", StatusCodes.Status401Unauthorized);
        }

        var settings = desired.CurrentValue;
        var wanted = "refs/heads/" + settings.Branch;
        var kind = request.Headers["X-GitHub-Event"].ToString();
        // GitHub sends a ping when the webhook is created; a 2xx marks it working in the webhook's settings.
        if (kind == "ping") return Message($"pong: pushes to {wanted} will fetch the desired state at once", StatusCodes.Status200OK);
        if (kind != "push") return Message($"event '{kind}' ignored; only push and ping are handled", StatusCodes.Status200OK);

        switch (GitHubPushPayload.Read(request.ContentType, body))
        {
            case GitHubPushReading.UnsupportedMediaType unsupported:
                LogMalformedPush(logger, delivery, unsupported.Problem);
                return Error(unsupported.Problem, StatusCodes.Status415UnsupportedMediaType);
            case GitHubPushReading.Malformed malformed:
                LogMalformedPush(logger, delivery, malformed.Problem);
                return Error("not a GitHub push payload: " + malformed.Problem, StatusCodes.Status400BadRequest);
            case GitHubPushReading.Push { Payload: var push }:
                if (GitHubPushVerdict.WhyIgnored(push, settings.Repository, settings.Branch) is { } ignored)
                {
                    LogPushIgnored(logger, delivery, ignored);
                    return Message(ignored, StatusCodes.Status200OK);
                }
                var scheduler = await schedulers.GetScheduler(cancellationToken);
                await scheduler.TriggerJob(DesiredStatePollJob.Key, new JobDataMap { [DesiredStatePollJob.TriggerKey] = ReconcileTrigger.Webhook }, cancellationToken);
                LogPushAccepted(logger, push.Ref, delivery);
                return Message("fetching " + wanted, StatusCodes.Status202Accepted);
            default:
                throw new InvalidOperationException("Unknown push reading.");
        }
    }

    /// <summary>The whole body, or null past <see cref="MaxBodyBytes"/> (a chunked body has no Content-Length to check first).</summary>
    private static async Task<byte[]?> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
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

    private static IResult Error(string message, int status) =>
        Results.Json(new ErrorDocument(message), JsonContext.Default.ErrorDocument, statusCode: status);

    private static IResult Message(string message, int status) =>
        Results.Json(new MessageDocument(message), JsonContext.Default.MessageDocument, statusCode: status);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "GitHub webhook delivery {Delivery} refused: signature does not match")]
    private static partial void LogBadSignature(ILogger logger, string delivery);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "GitHub push to {Ref} (delivery {Delivery}): fetching the desired state now")]
    private static partial void LogPushAccepted(ILogger logger, string @ref, string delivery);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "GitHub webhook delivery {Delivery} refused: {Problem}")]
    private static partial void LogMalformedPush(ILogger logger, string delivery, string problem);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "GitHub webhook delivery {Delivery}: {Reason}")]
    private static partial void LogPushIgnored(ILogger logger, string delivery, string reason);
}
