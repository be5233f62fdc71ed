using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// Grafana when it fails or stalls (the faithful, refusing model of a working one is <see cref="GrafanaFake"/>): one
/// POST route answering a fixed status, or holding every request without answering until it is disposed.
/// </summary>
internal sealed class HttpStandIn : IDisposable
{
    private static readonly TimeSpan LongestStall = TimeSpan.FromMinutes(1);
    private readonly ManualResetEventSlim _released = new(false);

    private HttpStandIn(string pathPattern, int status, string contentType, string body, bool stalled)
    {
        Server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body);
        if (stalled)
        {
            response = Response.Create().WithCallback(_ =>
            {
                _released.Wait(LongestStall);
                return new WireMock.ResponseMessage { StatusCode = status };
            });
        }
        Server.Given(Request.Create().UsingAnyMethod().WithPath(new WireMock.Matchers.WildcardMatcher(pathPattern)))
            .RespondWith(response);
    }

    public WireMockServer Server { get; }

    public string Url => Server.Url!;

    public static HttpStandIn Grafana(int status = 200, bool stalled = false) => new(
        "*/api/annotations", status, "application/json",
        status == 200 ? """{"message":"Annotation added","id":1}""" : """{"message":"Failed to save annotation"}""", stalled);

    public void Dispose()
    {
        _released.Set();
        Server.Stop();
        _released.Dispose();
    }
}
