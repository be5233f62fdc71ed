using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Notify;

/// <summary>Pushes a stack's health to its Gatus external endpoint: up when it becomes synced, down with the reason
/// when a deploy fails, it is held, rolled back by hand or drifts.</summary>
public sealed class GatusNotifier(IHttpClientFactory httpClients, IOptions<GatusOptions> options) : INotifier
{
    public const string HttpClientName = "sprocket-reconciler-gatus";

    public string Name => "gatus";

    public bool Accepts(ReconcileNotification notification) => GatusResult.Of(options.Value.Group, notification) is not null;

    public async Task SendAsync(ReconcileNotification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var result = GatusResult.Of(settings.Group, notification)
            ?? throw new InvalidOperationException($"{notification.Kind} is not a Gatus result.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(UrlCheck.AsBase(settings.Url!), result.RelativeUri()));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.TokenFor(notification.Stack));

        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        await HttpFailure.ThrowUnlessSuccessAsync(response, "Gatus", cancellationToken);
    }

    public string Redact(string text)
    {
        var settings = options.Value;
        return Redaction.Redact(text, settings.StackTokens.Values.Append(settings.Token));
    }
}
