using System.Globalization;
using Microsoft.AspNetCore.RateLimiting;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// At most <see cref="InFlight"/> webhook deliveries are handled at once; the next is answered 503 with
/// <c>Retry-After</c> by the rate limiter middleware, before the endpoint runs, so its body is never read. A
/// verified body is kept until it is parsed (up to the 25 MB cap), so this bounds what deliveries can hold at once
/// to about <see cref="InFlight"/> × 25 MB. GitHub sends one delivery per push, so four at once is already a burst.
/// Needs <c>app.UseRateLimiter()</c> in the pipeline. The rejection status and answer are the limiter's global
/// options; this is the only policy, so they are written for it.
/// </summary>
public static class GitHubWebhookConcurrency
{
    public const string Policy = "github-webhook";
    public const int InFlight = 4;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddGitHubWebhookConcurrency(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            // No queue: a queued delivery would hold its connection, and it is the connections we are limiting.
            options.AddConcurrencyLimiter(Policy, limiter => (limiter.PermitLimit, limiter.QueueLimit) = (InFlight, 0));
            options.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = RetryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture);
                await Results.Json(new ErrorDocument($"more than {InFlight} webhook deliveries at once; retry later"),
                    JsonContext.Default.ErrorDocument, statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context.HttpContext);
            };
        });
}
