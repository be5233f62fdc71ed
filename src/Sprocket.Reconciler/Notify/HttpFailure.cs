namespace Sprocket.Reconciler.Notify;

/// <summary>A non-success answer from Grafana or Gatus, with the start of the body (their error text) in the message.</summary>
public sealed class NotificationHttpException(string message) : Exception(message);

internal static class HttpFailure
{
    private const int MaxBodyInMessage = 300;

    public static async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, string system, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        body = body.ReplaceLineEndings(" ").Trim();
        if (body.Length > MaxBodyInMessage) body = body[..MaxBodyInMessage] + "…";
        throw new NotificationHttpException(
            $"{system} answered {(int)response.StatusCode} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body : "")}");
    }
}
