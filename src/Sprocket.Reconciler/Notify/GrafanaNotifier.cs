using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Sprocket.Reconciler.Notify;

/// <summary>
/// Writes an annotation per event so dashboards overlay deploys, rollbacks, holds, realigns and drift on the Gatus
/// and service panels. Deploy starts and synced are not annotated: the deploy's end marks it, and synced is the
/// steady state.
/// </summary>
public sealed class GrafanaNotifier(IHttpClientFactory httpClients, IOptions<GrafanaOptions> options) : INotifier
{
    public const string HttpClientName = "sprocket-reconciler-grafana";

    public string Name => "grafana";

    public bool Accepts(ReconcileNotification notification) =>
        notification.Kind is not (NotificationKind.DeployStarted or NotificationKind.Synced);

    public async Task SendAsync(ReconcileNotification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = JsonSerializer.SerializeToUtf8Bytes(GrafanaAnnotation.Of(notification), NotifyJsonContext.Default.GrafanaAnnotation);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(UrlCheck.AsBase(settings.Url!), "api/annotations"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);

        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        await HttpFailure.ThrowUnlessSuccessAsync(response, "Grafana", cancellationToken);
    }

    public string Redact(string text) => Redaction.Redact(text, [options.Value.Token]);
}
