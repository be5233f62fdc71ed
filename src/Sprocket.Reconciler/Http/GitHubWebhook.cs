using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
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
/// Anyone can reach the endpoint, so a delivery costs its body only once it may be genuine: without a
/// well-formed signature header it is refused unread, the body is hashed as it streams, kept in pooled pieces
/// up to the 25 MB cap, and given back at once when the signature does not match
/// (see <see cref="GitHubWebhookConcurrency"/> for how many are read at once).
/// </summary>
public static partial class GitHubWebhook
{
    public const string Path = "/api/v1/webhooks/github";
    public const int MaxBodyBytes = 25 * 1024 * 1024; // GitHub caps payloads at 25 MB.

    public static IEndpointRouteBuilder MapGitHubWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, HandleAsync).RequireRateLimiting(GitHubWebhookConcurrency.Policy);
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
        var delivery = request.Headers["X-GitHub-Delivery"].ToString();
        if (GitHubSignature.TryParse(request.Headers[GitHubSignature.Header].ToString()) is not { } claimed)
        {
            LogUnsigned(logger, delivery);
            return Error($"missing or malformed {GitHubSignature.Header} (expected sha256=<64 hex digits>)", StatusCodes.Status401Unauthorized);
        }
        if (request.ContentLength > MaxBodyBytes)
            return Error("payload too large", StatusCodes.Status413PayloadTooLarge);
        // Kestrel then cuts a chunked body off at the cap too, before more of it reaches the reader.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBodyBytes;

        SignedBody reading;
        try
        {
            reading = await SignedBodyReader.ReadAsync(request.Body, Encoding.UTF8.GetBytes(secret), claimed, MaxBodyBytes, cancellationToken);
        }
        catch (BadHttpRequestException e)
        {
            // Past Kestrel's limit (413), too slow for its minimum data rate (408), or cut short by the client.
            return Error(e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "payload too large" : e.Message, e.StatusCode);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-body (a stalled sender closing, say): no one to answer, and nothing worth an error log.
            return Results.Empty;
        }
        switch (reading)
        {
            case SignedBody.TooLarge:
                return Error("payload too large", StatusCodes.Status413PayloadTooLarge);
            case SignedBody.Mismatch:
                LogBadSignature(logger, delivery);
                return Error("signature does not match", StatusCodes.Status401Unauthorized);
            case SignedBody.Verified { Body: var body }:
                using (body)
                    return await AnswerVerifiedAsync(request, body.AsSequence(), delivery, desired.CurrentValue, schedulers, logger, cancellationToken);
            default:
                throw new InvalidOperationException("Unknown body reading.");
        }
    }

    private static async Task<IResult> AnswerVerifiedAsync(HttpRequest request, ReadOnlySequence<byte> body, string delivery,
        DesiredStateOptions settings, ISchedulerFactory schedulers, ILogger logger, CancellationToken cancellationToken)
    {
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
                await scheduler.TriggerJob(DesiredStatePollJob.Key, new JobDataMap { [DesiredStatePollJob.TriggerKey] = ReconcileTrigger.Webhook.Spell() }, cancellationToken);
                LogPushAccepted(logger, push.Ref, delivery);
                return Message("fetching " + wanted, StatusCodes.Status202Accepted);
            default:
                throw new InvalidOperationException("Unknown push reading.");
        }
    }

    /// <summary>Constant-time comparison of <c>sha256=&lt;hex&gt;</c> with the HMAC of the exact body bytes.</summary>
    public static bool SignatureMatches(string secret, ReadOnlySpan<byte> body, string header) =>
        GitHubSignature.TryParse(header) is { } given
        && CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body), given);

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

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "GitHub webhook delivery {Delivery} refused unread: no well-formed signature header")]
    private static partial void LogUnsigned(ILogger logger, string delivery);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "GitHub webhook delivery {Delivery}: {Reason}")]
    private static partial void LogPushIgnored(ILogger logger, string delivery, string reason);
}
