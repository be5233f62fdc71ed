using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// GitHub's REST API for the three calls the notifier makes — create a commit status, a deployment, a deployment
/// status — under <see cref="PathPrefix"/> (<c>/api/v3</c> as GitHub Enterprise Server serves it, empty as
/// api.github.com does). Like GitHub it answers 401 without the token (<c>token</c> or <c>Bearer</c>, any case), 404
/// for any other path, 422 "Validation Failed" for a body without its required fields or with a state outside the
/// documented enum, and otherwise the documented 201 with the fields Octokit reads. Rows in this folder's README.
/// </summary>
internal sealed class GitHubStandIn : IDisposable
{
    public const string Token = "ghp_notifyTestToken0123456789abcdefABCDEF";
    public const long DeploymentId = 4242;

    private static readonly string[] CommitStates = ["error", "failure", "pending", "success"];
    private static readonly string[] DeploymentStates = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];

    public GitHubStandIn(int statusCode = 201, string pathPrefix = "/api/v3")
    {
        Server = WireMockServer.Start();
        PathPrefix = pathPrefix;
        var repo = RepoPath;
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/*"))
                .WithHeader("Authorization", new WireMock.Matchers.RegexMatcher(WireMock.Matchers.MatchBehaviour.RejectOnMatch,
                    "^(?i:token|bearer) " + Token + "$")))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody("""{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}"""));
        Server.Given(Request.Create().UsingPost().WithPath(new WireMock.Matchers.RegexMatcher($"^{repo}/statuses/[0-9a-f]{{40}}$")))
            .AtPriority(10)
            .RespondWith(Validated(statusCode, body => State(body, CommitStates) ?? Description(body),
                """{"id":1,"url":"u","state":"pending","context":"c","description":"d","target_url":null,"created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z"}"""));
        Server.Given(Request.Create().UsingPost().WithPath($"{repo}/deployments"))
            .AtPriority(10)
            .RespondWith(Validated(statusCode, body => body["ref"]?.GetValueKind() == JsonValueKind.String ? null : "ref",
                $$"""{"id":{{DeploymentId}},"url":"u","sha":"{{Notifications.Revision}}","ref":"{{Notifications.Revision}}","task":"deploy","payload":{},"environment":"{{Notifications.Stack}}","description":"d","created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z","statuses_url":"u","repository_url":"u","transient_environment":false,"production_environment":false}"""));
        Server.Given(Request.Create().UsingPost().WithPath(new WireMock.Matchers.RegexMatcher($"^{repo}/deployments/[0-9]+/statuses$")))
            .AtPriority(10)
            .RespondWith(Validated(statusCode, body => State(body, DeploymentStates) ?? Description(body),
                """{"id":7,"url":"u","state":"in_progress","description":"d","environment":"e","target_url":"","log_url":"","created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z","deployment_url":"u","repository_url":"u"}"""));
        Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/*")))
            .AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody("""{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}"""));
    }

    public WireMockServer Server { get; }

    /// <summary><c>/api/v3</c> as GitHub Enterprise Server serves the API, empty as api.github.com does.</summary>
    public string PathPrefix { get; }

    public string RepoPath => $"{PathPrefix}/repos/{Notifications.Repository.Owner}/{Notifications.Repository.Name}";

    public Dictionary<string, string?> Settings(string? publicUrl = "https://reconciler.example.org") => new()
    {
        ["Reconciler:GitHub:Token"] = Token,
        ["Reconciler:GitHub:ApiUrl"] = Server.Url,
        ["Reconciler:GitHub:RequestTimeout"] = "00:00:05",
        ["Reconciler:PublicUrl"] = publicUrl,
    };

    private static string? State(JsonObject body, string[] allowed) =>
        body["state"]?.GetValueKind() == JsonValueKind.String && allowed.Contains((string)body["state"]!) ? null : "state";

    // GitHub refuses status descriptions over 140 characters.
    private static string? Description(JsonObject body) =>
        body["description"] is JsonValue d && d.GetValueKind() == JsonValueKind.String && ((string)d!).Length > 140 ? "description" : null;

    /// <summary>The canned answer (or, for a failing stand-in, GitHub's 500), unless the body misses a required field:
    /// then GitHub's 422 naming it.</summary>
    private static IResponseBuilder Validated(int status, Func<JsonObject, string?> invalidField, string answer) =>
        Response.Create().WithCallback(request =>
        {
            if (status >= 400) return Json(status, """{"message":"Server Error","documentation_url":"https://docs.github.com/rest"}""");
            JsonObject? body;
            try
            {
                body = JsonNode.Parse(request.Body ?? "") as JsonObject;
            }
            catch (JsonException)
            {
                return Json(400, """{"message":"Problems parsing JSON","documentation_url":"https://docs.github.com/rest","status":"400"}""");
            }
            if (body is null || invalidField(body) is { } field)
            {
                return Json(422, JsonSerializer.Serialize(new
                {
                    message = "Validation Failed",
                    errors = new[] { new { resource = "Status", field = body is null ? "body" : invalidField(body), code = "invalid" } },
                    documentation_url = "https://docs.github.com/rest",
                    status = "422",
                }));
            }
            return Json(status, answer);
        });

    private static WireMock.ResponseMessage Json(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
        BodyData = new WireMock.Util.BodyData { BodyAsString = body, DetectedBodyType = WireMock.Types.BodyType.String },
    };

    public void Dispose() => Server.Stop();
}
