using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.IntegrationTests.Notify;

/// <summary>
/// GitHub's REST API as GitHub Enterprise Server serves it (under <c>/api/v3/</c>), for the three calls the notifier
/// makes: create a commit status, a deployment, a deployment status. Answers are the documented 201s with the fields
/// Octokit reads; the requests are checked by the tests from the server's log.
/// </summary>
internal sealed class GitHubStandIn : IDisposable
{
    public const string Token = "ghp_notifyTestToken0123456789abcdefABCDEF";
    public const long DeploymentId = 4242;

    public GitHubStandIn(int statusCode = 201, string pathPrefix = "/api/v3")
    {
        Server = WireMockServer.Start();
        PathPrefix = pathPrefix;
        var repo = RepoPath;
        Server.Given(Request.Create().UsingPost().WithPath($"{repo}/statuses/*"))
            .RespondWith(Json(statusCode, """{"id":1,"url":"u","state":"pending","context":"c","description":"d","target_url":null,"created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z"}"""));
        Server.Given(Request.Create().UsingPost().WithPath($"{repo}/deployments"))
            .RespondWith(Json(statusCode, $$"""{"id":{{DeploymentId}},"url":"u","sha":"{{Notifications.Revision}}","ref":"{{Notifications.Revision}}","task":"deploy","payload":{},"environment":"{{Notifications.Stack}}","description":"d","created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z","statuses_url":"u","repository_url":"u","transient_environment":false,"production_environment":false}"""));
        Server.Given(Request.Create().UsingPost().WithPath($"{repo}/deployments/*/statuses"))
            .RespondWith(Json(statusCode, """{"id":7,"url":"u","state":"in_progress","description":"d","environment":"e","target_url":"","log_url":"","created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z","deployment_url":"u","repository_url":"u"}"""));
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

    private static IResponseBuilder Json(int status, string body) =>
        status >= 400
            ? Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody("""{"message":"Server Error","documentation_url":"https://docs.github.com/rest"}""")
            : Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body);

    public void Dispose() => Server.Stop();
}
