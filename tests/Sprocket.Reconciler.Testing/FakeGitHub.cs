using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.Testing;

/// <summary>
/// GitHub's REST API cannot be reached from here, so this answers the endpoints <c>writeBack: pull-request</c> uses,
/// with response bodies shaped as GitHub's REST reference documents them (branches, repository contents, git refs,
/// pulls). An endpoint answers only the request GitHub would accept: the exact path and query under
/// <see cref="PathPrefix"/> (<c>/api/v3</c> as GitHub Enterprise Server serves it, empty as api.github.com does), the
/// token in <c>Authorization</c> (GitHub takes the <c>token</c> and <c>Bearer</c> schemes in any case), the v3 JSON
/// media type in <c>Accept</c>, a <c>User-Agent</c> (GitHub refuses requests without one) and, for writes, the body
/// fields the endpoint requires (else GitHub's 422). Anything else gets GitHub's 401 or 404. With
/// <see cref="AcceptNotifications"/> it also answers the notifier's commit and deployment statuses. The rows are in
/// tests/Sprocket.Reconciler.Host.Tests/Notify/README.md. Tests then read <see cref="Requests"/> to check every
/// method, path, header and JSON body.
/// </summary>
internal sealed class FakeGitHub : IDisposable
{
    public const string Owner = "SprocketBot";
    public const string Repo = "desired-state";
    public const string Token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    public const string FilePath = "desired-state.yaml";
    public const string MediaType = "application/vnd.github.v3+json";

    public const string EnterprisePrefix = "/api/v3";

    public FakeGitHub(string token = Token, string pathPrefix = EnterprisePrefix)
    {
        Server = WireMockServer.Start();
        PathPrefix = pathPrefix;
        Server.Given(Request.Create().WithPath(new WildcardMatcher("/*"))
                .WithHeader("Authorization", AuthorizationMatcher(token, MatchBehaviour.RejectOnMatch)))
            .AtPriority(90)
            .RespondWith(Json(401, """{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}"""));
        Server.Given(Request.Create().WithPath(new WildcardMatcher("/*")))
            .AtPriority(100)
            .RespondWith(Json(404, """{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}"""));
        ExpectedToken = token;
    }

    public WireMockServer Server { get; }

    public string PathPrefix { get; }

    /// <summary>The address to configure as <c>Reconciler:GitHub:ApiUrl</c>: a GitHub Enterprise Server API root.</summary>
    public string ApiUrl => Server.Url + PathPrefix;

    private string RepoPath => $"{PathPrefix}/repos/{Owner}/{Repo}";

    private string ExpectedToken { get; }

    /// <summary>GitHub takes <c>token</c> or <c>Bearer</c>, either case ("Authenticating to the REST API").</summary>
    private static RegexMatcher AuthorizationMatcher(string token, MatchBehaviour behaviour = MatchBehaviour.AcceptOnMatch) =>
        new(behaviour, "^(?i:token|bearer) " + System.Text.RegularExpressions.Regex.Escape(token) + "$");

    public IReadOnlyList<RecordedRequest> Requests => Server.LogEntries
        .OrderBy(entry => entry.RequestMessage.DateTime)
        .Select(entry => new RecordedRequest(
            entry.RequestMessage.Method,
            entry.RequestMessage.AbsolutePath + (entry.RequestMessage.RawQuery is { Length: > 0 } query ? "?" + query.TrimStart('?') : ""),
            entry.RequestMessage.Headers!.ToDictionary(header => header.Key, header => string.Join(", ", header.Value), StringComparer.OrdinalIgnoreCase),
            entry.RequestMessage.Body,
            entry.ResponseMessage.StatusCode is int status ? status : 0))
        .ToList();

    /// <summary>GET /repos/{owner}/{repo}/branches/{branch}</summary>
    public void Branch(string name, string sha) =>
        Given("GET", $"{RepoPath}/branches/{name}").RespondWith(Json(200, $$"""
            {
              "name": "{{name}}",
              "commit": {
                "sha": "{{sha}}",
                "node_id": "MDY6Q29tbWl0N2ZkMWE2MGIwMWY5MWIzMTRmNTk5NTVhNGU0ZDRlODBkOGVkZjExZA==",
                "commit": {
                  "author": { "name": "The Octocat", "email": "octocat@nowhere.com", "date": "2025-03-14T08:00:00Z" },
                  "committer": { "name": "The Octocat", "email": "octocat@nowhere.com", "date": "2025-03-14T08:00:00Z" },
                  "message": "seed desired state",
                  "tree": { "sha": "b4eecafa9be2f2006ce1b709d6857b07069b4608", "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/trees/b4eecafa9be2f2006ce1b709d6857b07069b4608" },
                  "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/commits/{{sha}}",
                  "comment_count": 0,
                  "verification": { "verified": false, "reason": "unsigned", "signature": null, "payload": null }
                },
                "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/commits/{{sha}}",
                "html_url": "https://github.com/{{Owner}}/{{Repo}}/commit/{{sha}}",
                "comments_url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/commits/{{sha}}/comments",
                "author": null,
                "committer": null,
                "parents": []
              },
              "_links": { "self": "https://api.github.com/repos/{{Owner}}/{{Repo}}/branches/{{name}}", "html": "https://github.com/{{Owner}}/{{Repo}}/tree/{{name}}" },
              "protected": true,
              "protection_url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/branches/{{name}}/protection"
            }
            """));

    /// <summary>GET /repos/{owner}/{repo}/contents/{path}?ref={ref}: base64 wrapped at 60 columns, as GitHub sends it.</summary>
    public void File(string reference, byte[] content, string blobSha)
    {
        var base64 = Convert.ToBase64String(content);
        var wrapped = string.Join("\\n", Enumerable.Range(0, (base64.Length + 59) / 60)
            .Select(line => base64.Substring(line * 60, Math.Min(60, base64.Length - line * 60)))) + "\\n";
        Given("GET", $"{RepoPath}/contents/{FilePath}", ("ref", reference)).RespondWith(Json(200, $$"""
            {
              "type": "file",
              "encoding": "base64",
              "size": {{content.Length}},
              "name": "{{FilePath}}",
              "path": "{{FilePath}}",
              "content": "{{wrapped}}",
              "sha": "{{blobSha}}",
              "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/contents/{{FilePath}}?ref={{Uri.EscapeDataString(reference)}}",
              "git_url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/blobs/{{blobSha}}",
              "html_url": "https://github.com/{{Owner}}/{{Repo}}/blob/{{reference}}/{{FilePath}}",
              "download_url": "https://raw.githubusercontent.com/{{Owner}}/{{Repo}}/{{reference}}/{{FilePath}}",
              "_links": {
                "git": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/blobs/{{blobSha}}",
                "self": "https://api.github.com/repos/{{Owner}}/{{Repo}}/contents/{{FilePath}}?ref={{Uri.EscapeDataString(reference)}}",
                "html": "https://github.com/{{Owner}}/{{Repo}}/blob/{{reference}}/{{FilePath}}"
              }
            }
            """));
    }

    public void File(string reference, string text, string blobSha) => File(reference, Encoding.UTF8.GetBytes(text), blobSha);

    /// <summary>GET /repos/{owner}/{repo}/pulls?state=open&amp;base=main&amp;sort=created&amp;direction=desc</summary>
    public void OpenPulls(params string[] pulls) =>
        Given("GET", $"{RepoPath}/pulls", ("state", "open"), ("base", "main"), ("sort", "created"), ("direction", "desc"))
            .RespondWith(Json(200, "[" + string.Join(",", pulls) + "]"));

    /// <summary>POST /repos/{owner}/{repo}/git/refs (ref "refs/…" with two slashes, sha) answered 201, or 422 when the
    /// ref already exists.</summary>
    public void CreateRef(string branch, string sha, bool alreadyExists = false) =>
        Given("POST", $"{RepoPath}/git/refs").RespondWith(Validated(
            body => Strings(body, "ref", "sha") ?? (((string)body["ref"]!).StartsWith("refs/", StringComparison.Ordinal)
                && ((string)body["ref"]!).Count(c => c == '/') >= 2 ? null : "Reference name must start with 'refs/' and have at least two slashes."),
            alreadyExists
                ? (422, """{"message":"Reference already exists","documentation_url":"https://docs.github.com/rest/git/refs#create-a-reference","status":"422"}""")
                : (201, Reference(branch, sha))));

    /// <summary>PATCH /repos/{owner}/{repo}/git/refs/heads/{branch} (sha required, force optional boolean)</summary>
    public void UpdateRef(string branch, string sha) =>
        Given("PATCH", $"{RepoPath}/git/refs/heads/{branch}").RespondWith(Validated(
            body => Strings(body, "sha") ?? (body["force"]?.GetValueKind() is null or JsonValueKind.True or JsonValueKind.False
                ? null : "force must be a boolean."),
            (200, Reference(branch, sha))));

    /// <summary>PUT /repos/{owner}/{repo}/contents/{path}: message, content (base64) and, to update an existing file,
    /// the sha of the blob being replaced; author, if given, needs name and email.</summary>
    public void PutFile(string newBlobSha, string commitSha) =>
        Given("PUT", $"{RepoPath}/contents/{FilePath}").RespondWith(Validated(
            body => Strings(body, "message", "content", "sha")
                ?? (IsBase64((string)body["content"]!) ? null : "content is not valid Base64")
                ?? (body["author"] is JsonObject author ? Strings(author, "name", "email") : null),
            (200, $$"""
            {
              "content": {
                "name": "{{FilePath}}", "path": "{{FilePath}}", "sha": "{{newBlobSha}}", "size": 512, "type": "file",
                "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/contents/{{FilePath}}",
                "html_url": "https://github.com/{{Owner}}/{{Repo}}/blob/main/{{FilePath}}",
                "git_url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/blobs/{{newBlobSha}}",
                "download_url": "https://raw.githubusercontent.com/{{Owner}}/{{Repo}}/main/{{FilePath}}",
                "_links": { "self": "https://api.github.com/repos/{{Owner}}/{{Repo}}/contents/{{FilePath}}", "git": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/blobs/{{newBlobSha}}", "html": "https://github.com/{{Owner}}/{{Repo}}/blob/main/{{FilePath}}" }
              },
              "commit": {
                "sha": "{{commitSha}}",
                "node_id": "MDY6Q29tbWl0NzYzODQxN2RiNmQ1OWYzYzQzMWQzZTFmMjYxY2M2MzcxNTU2ODRjZA==",
                "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/commits/{{commitSha}}",
                "html_url": "https://github.com/{{Owner}}/{{Repo}}/git/commit/{{commitSha}}",
                "author": { "date": "2025-03-14T09:30:00Z", "name": "Sprocket Reconciler", "email": "reconciler@sprocket.invalid" },
                "committer": { "date": "2025-03-14T09:30:00Z", "name": "GitHub", "email": "noreply@github.com" },
                "message": "realign",
                "tree": { "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/trees/691272480426f78a0138979dd3ce63b77f706feb", "sha": "691272480426f78a0138979dd3ce63b77f706feb" },
                "parents": [],
                "verification": { "verified": false, "reason": "unsigned", "signature": null, "payload": null }
              }
            }
            """)));

    /// <summary>POST /repos/{owner}/{repo}/pulls: title, head and base are required (title may be replaced by issue).</summary>
    public void CreatePull(int number, string branch, string body = "") =>
        Given("POST", $"{RepoPath}/pulls").RespondWith(Validated(
            json => Strings(json, "title", "head", "base"), (201, Pull(number, branch, body))));

    /// <summary>PATCH /repos/{owner}/{repo}/pulls/{number}: every field optional, but each must have its type.</summary>
    public void UpdatePull(int number, string branch) =>
        Given("PATCH", $"{RepoPath}/pulls/{number}").RespondWith(Validated(
            json => json.Select(p => p.Key).FirstOrDefault(k => k is "title" or "body" or "base" or "state"
                && json[k]?.GetValueKind() != JsonValueKind.String) is { } bad ? $"{bad} is not a string." : null,
            (200, Pull(number, branch, ""))));

    /// <summary>
    /// The three calls the notifier makes, as GitHub's REST reference documents them: "Create a commit status"
    /// (POST /repos/{owner}/{repo}/statuses/{sha}: <c>state</c> required, one of error, failure, pending, success;
    /// <c>description</c> at most 140 characters), "Create a deployment" (POST /repos/{owner}/{repo}/deployments:
    /// <c>ref</c> required) and "Create a deployment status" (POST /repos/{owner}/{repo}/deployments/{id}/statuses:
    /// <c>state</c> required, one of error, failure, inactive, in_progress, queued, pending, success). Each answers 201
    /// with the object's fields Octokit reads, or GitHub's 422 for a body it would refuse.
    /// </summary>
    public void AcceptNotifications(long deploymentId = 4242)
    {
        string[] commitStates = ["error", "failure", "pending", "success"];
        string[] deploymentStates = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];
        GivenPattern("POST", $"^{System.Text.RegularExpressions.Regex.Escape(RepoPath)}/statuses/[0-9a-f]{{40}}$").RespondWith(Validated(
            body => State(body, commitStates) ?? Description(body),
            (201, $$"""
            {"id":1,"node_id":"MDY6U3RhdHVzMQ==","url":"https://api.github.com/repos/{{Owner}}/{{Repo}}/statuses/6dcb09b5b57875f334f61aebed695e2e4193db5e",
             "state":"pending","description":"d","target_url":null,"context":"c","created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z"}
            """)));
        GivenPattern("POST", $"^{System.Text.RegularExpressions.Regex.Escape(RepoPath)}/deployments$").RespondWith(Validated(
            body => Strings(body, "ref"),
            (201, $$"""
            {"id":{{deploymentId}},"node_id":"MDEwOkRlcGxveW1lbnQx","url":"https://api.github.com/repos/{{Owner}}/{{Repo}}/deployments/{{deploymentId}}",
             "sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e","ref":"main","task":"deploy","payload":{},"environment":"production",
             "description":"d","creator":null,"created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z",
             "statuses_url":"https://api.github.com/repos/{{Owner}}/{{Repo}}/deployments/{{deploymentId}}/statuses",
             "repository_url":"https://api.github.com/repos/{{Owner}}/{{Repo}}","transient_environment":false,"production_environment":false}
            """)));
        GivenPattern("POST", $"^{System.Text.RegularExpressions.Regex.Escape(RepoPath)}/deployments/[0-9]+/statuses$").RespondWith(Validated(
            body => State(body, deploymentStates) ?? Description(body),
            (201, $$"""
            {"id":1,"node_id":"MDE2OkRlcGxveW1lbnRTdGF0dXMx","url":"https://api.github.com/repos/{{Owner}}/{{Repo}}/deployments/{{deploymentId}}/statuses/1",
             "state":"in_progress","creator":null,"description":"d","environment":"production","target_url":"","log_url":"",
             "created_at":"2025-03-14T09:26:53Z","updated_at":"2025-03-14T09:26:53Z",
             "deployment_url":"https://api.github.com/repos/{{Owner}}/{{Repo}}/deployments/{{deploymentId}}",
             "repository_url":"https://api.github.com/repos/{{Owner}}/{{Repo}}"}
            """)));
    }

    private static string? State(JsonObject body, string[] allowed) =>
        body["state"]?.GetValueKind() == JsonValueKind.String && allowed.Contains((string)body["state"]!) ? null : "state is not included in the list.";

    private static string? Description(JsonObject body) =>
        body["description"] is JsonValue d && d.GetValueKind() == JsonValueKind.String && ((string)d!).Length > 140
            ? "description is too long (maximum is 140 characters)." : null;

    /// <summary>A pull request object as GitHub's REST reference shows it (the fields a client reads, and then some).</summary>
    public static string Pull(int number, string branch, string body, string headRepository = $"{Owner}/{Repo}")
    {
        var repository = $$"""
            { "id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": "{{headRepository.Split('/')[1]}}", "full_name": "{{headRepository}}",
              "owner": { "login": "{{headRepository.Split('/')[0]}}", "id": 1, "type": "Organization" }, "private": true,
              "html_url": "https://github.com/{{headRepository}}", "url": "https://api.github.com/repos/{{headRepository}}",
              "default_branch": "main", "visibility": "private" }
            """;
        return $$"""
            {
              "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/pulls/{{number}}",
              "id": 1, "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==",
              "html_url": "https://github.com/{{Owner}}/{{Repo}}/pull/{{number}}",
              "diff_url": "https://github.com/{{Owner}}/{{Repo}}/pull/{{number}}.diff",
              "patch_url": "https://github.com/{{Owner}}/{{Repo}}/pull/{{number}}.patch",
              "number": {{number}},
              "state": "open",
              "locked": false,
              "title": "Realign",
              "user": { "login": "sprocket-reconciler[bot]", "id": 2, "type": "Bot" },
              "body": {{JsonSerializer.Serialize(body)}},
              "created_at": "2025-03-14T09:30:00Z",
              "updated_at": "2025-03-14T09:30:00Z",
              "closed_at": null,
              "merged_at": null,
              "merge_commit_sha": null,
              "draft": false,
              "head": { "label": "{{headRepository.Split('/')[0]}}:{{branch}}", "ref": "{{branch}}", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
                        "user": { "login": "{{headRepository.Split('/')[0]}}", "id": 1, "type": "Organization" }, "repo": {{repository}} },
              "base": { "label": "{{Owner}}:main", "ref": "main", "sha": "aa218f56b14c9653891f9e74264a383fa43fefbd",
                        "user": { "login": "{{Owner}}", "id": 1, "type": "Organization" }, "repo": {{repository.Replace(headRepository, $"{Owner}/{Repo}")}} },
              "author_association": "NONE",
              "auto_merge": null,
              "merged": false,
              "mergeable": null,
              "comments": 0, "review_comments": 0, "commits": 1, "additions": 1, "deletions": 1, "changed_files": 1
            }
            """;
    }

    public void Dispose() => Server.Stop();

    private static string Reference(string branch, string sha) => $$"""
        {
          "ref": "refs/heads/{{branch}}",
          "node_id": "MDM6UmVmcmVmcy9oZWFkcy9mZWF0dXJlQQ==",
          "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/refs/heads/{{branch}}",
          "object": { "type": "commit", "sha": "{{sha}}", "url": "https://api.github.com/repos/{{Owner}}/{{Repo}}/git/commits/{{sha}}" }
        }
        """;

    private WireMock.Server.IRespondWithAProvider Given(string method, string path, params (string Name, string Value)[] query)
    {
        var request = Request.Create().UsingMethod(method).WithPath(new ExactMatcher(path))
            .WithHeader("Authorization", AuthorizationMatcher(ExpectedToken))
            .WithHeader("Accept", new ExactMatcher(MediaType))
            .WithHeader("User-Agent", new RegexMatcher(".+"));
        foreach (var (name, value) in query)
            request = request.WithParam(name, new ExactMatcher(value));
        return Server.Given(request).AtPriority(1);
    }

    private WireMock.Server.IRespondWithAProvider GivenPattern(string method, string pathPattern) =>
        Server.Given(Request.Create().UsingMethod(method).WithPath(new RegexMatcher(pathPattern))
                .WithHeader("Authorization", AuthorizationMatcher(ExpectedToken))
                .WithHeader("Accept", new ExactMatcher(MediaType))
                .WithHeader("User-Agent", new RegexMatcher(".+")))
            .AtPriority(1);

    /// <summary>GitHub's 422 for a write whose JSON body lacks what the endpoint requires; <paramref name="problem"/>
    /// gives null when the body is acceptable.</summary>
    private static IResponseBuilder Validated(Func<JsonObject, string?> problem, (int Status, string Body) accepted)
    {
        return Response.Create().WithCallback(request =>
        {
            JsonObject? body;
            try
            {
                body = JsonNode.Parse(request.Body ?? "") as JsonObject;
            }
            catch (JsonException)
            {
                body = null;
            }
            var refusal = body is null ? "Problems parsing JSON" : problem(body);
            return refusal is null
                ? JsonMessage(accepted.Status, accepted.Body)
                : JsonMessage(422, JsonSerializer.Serialize(new { message = "Invalid request.\n\n" + refusal, documentation_url = "https://docs.github.com/rest", status = "422" }));
        });
    }

    private static WireMock.ResponseMessage JsonMessage(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>>
        {
            ["Content-Type"] = new("application/json; charset=utf-8"),
            ["X-GitHub-Media-Type"] = new("github.v3; format=json"),
        },
        BodyData = new WireMock.Util.BodyData { BodyAsString = body, DetectedBodyType = WireMock.Types.BodyType.String },
    };

    private static string? Strings(JsonObject body, params string[] fields) =>
        fields.FirstOrDefault(f => body[f]?.GetValueKind() != JsonValueKind.String) is { } missing ? $"\"{missing}\" wasn't supplied." : null;

    private static bool IsBase64(string text) => Convert.TryFromBase64String(text, new byte[text.Length], out _);

    private static IResponseBuilder Json(int status, string body) => Response.Create().WithStatusCode(status)
        .WithHeader("Content-Type", "application/json; charset=utf-8")
        .WithHeader("X-GitHub-Media-Type", "github.v3; format=json")
        .WithBody(body);
}

internal sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string? Body, int Status)
{
    public JsonNode Json => JsonNode.Parse(Body ?? throw new InvalidOperationException($"{Method} {PathAndQuery} had no body"))!;

    public override string ToString() => $"{Method} {PathAndQuery} -> {Status}";
}
