using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// Grafana's <c>POST /api/annotations</c> as grafana/grafana serves it (pkg/api/api.go route, pkg/api/annotations.go
/// PostAnnotation; rows in this folder's README): the route needs the action <c>annotations:create</c> (401 without a
/// valid token, 403 without the permission — an organization annotation, with no dashboard, needs the scope
/// <c>annotations:type:organization</c>), a body that binds as JSON (else 400 "bad request data"), a non-empty
/// <c>text</c> (else 400 "Failed to save annotation"), and answers 200 <c>{"message":"Annotation added","id":…}</c>.
/// </summary>
internal sealed class GrafanaFake : IDisposable
{
    public const string OrganizationScope = "annotations:type:organization";
    public const string DashboardScope = "annotations:type:dashboard";

    private int _nextId;

    /// <param name="token">The service account token Grafana knows.</param>
    /// <param name="grants">The (action, scope) pairs the token holds.</param>
    public GrafanaFake(string token, params (string Action, string Scope)[] grants)
    {
        Server = WireMockServer.Start();
        Server.Given(Request.Create().UsingAnyMethod().WithPath(new WireMock.Matchers.WildcardMatcher("*")))
            .RespondWith(Response.Create().WithCallback(request => Answer(request, token, grants)));
    }

    public WireMockServer Server { get; }

    public string Url => Server.Url!;

    public static (string, string) Create(string scope = OrganizationScope) => ("annotations:create", scope);

    private WireMock.ResponseMessage Answer(WireMock.IRequestMessage request, string token, (string Action, string Scope)[] grants)
    {
        if (!request.AbsolutePath.EndsWith("/api/annotations", StringComparison.Ordinal) || request.Method != "POST")
            return Json(404, new { message = "Not found" });
        var authorization = request.Headers?.TryGetValue("Authorization", out var values) == true ? values.ToString() : "";
        if (authorization != "Bearer " + token)
            return Json(401, new { message = "Invalid API key" });
        if (!grants.Any(g => g.Action == "annotations:create"))
            return Json(403, new { message = "You'll need additional permissions to perform this action. Permissions needed: annotations:create" });

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(request.Body ?? "") as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null) return Json(400, new { message = "bad request data" });
        var onDashboard = body["dashboardUID"] is JsonValue uid && uid.GetValueKind() == JsonValueKind.String && (string)uid! != ""
            || body["dashboardId"] is JsonValue id && id.GetValueKind() == JsonValueKind.Number && (long)id! != 0;
        if (!grants.Contains(("annotations:create", onDashboard ? DashboardScope : OrganizationScope)))
            return Json(403, new { message = "You'll need additional permissions to perform this action. Permissions needed: annotations:create" });
        if (body["text"] is not JsonValue text || text.GetValueKind() != JsonValueKind.String || (string)text! == "")
            return Json(400, new { message = "Failed to save annotation" });
        return Json(200, new { message = "Annotation added", id = Interlocked.Increment(ref _nextId) });
    }

    private static WireMock.ResponseMessage Json(int status, object body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new WireMock.Util.BodyData { BodyAsString = JsonSerializer.Serialize(body), DetectedBodyType = WireMock.Types.BodyType.String },
    };

    public void Dispose() => Server.Stop();
}
