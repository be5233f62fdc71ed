using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.IntegrationTests.Notify;

/// <summary>
/// Grafana or Gatus (neither can run here): one POST route answering as the real one does — Grafana's
/// <c>{"message":"Annotation added","id":1}</c>, Gatus' empty 200 — or failing or stalling on demand.
/// </summary>
internal sealed class HttpStandIn : IDisposable
{
    private HttpStandIn(string pathPattern, int status, string contentType, string body, TimeSpan? delay)
    {
        Server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body);
        if (delay is { } d) response = response.WithDelay(d);
        Server.Given(Request.Create().UsingAnyMethod().WithPath(new WireMock.Matchers.WildcardMatcher(pathPattern)))
            .RespondWith(response);
    }

    public WireMockServer Server { get; }

    public string Url => Server.Url!;

    public static HttpStandIn Grafana(int status = 200, TimeSpan? delay = null) => new(
        "*/api/annotations", status, "application/json",
        status == 200 ? """{"message":"Annotation added","id":1}""" : """{"message":"Failed to save annotation"}""", delay);

    public static HttpStandIn Gatus(int status = 200, TimeSpan? delay = null) => new(
        "*/api/v1/endpoints/*/external", status, "text/plain; charset=utf-8", status == 200 ? "" : "invalid token", delay);

    public void Dispose() => Server.Stop();
}
