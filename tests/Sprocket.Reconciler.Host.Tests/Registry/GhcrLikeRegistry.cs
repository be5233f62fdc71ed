using System.Text;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Sprocket.Reconciler.Host.Tests.Registry;

/// <summary>
/// GHCR cannot be reached from here, so this stands in for its token flow exactly as Distribution's
/// token-auth spec and GHCR define it: any /v2/ request without the right Bearer token gets 401 with
/// <c>WWW-Authenticate: Bearer realm="…/token",service="ghcr.io",scope="repository:&lt;name&gt;:pull"</c>;
/// the token endpoint answers only a GET with exactly that service and scope and the expected Basic
/// Authorization (or none, for an anonymous pull); the manifest HEAD answers only that token and
/// returns Docker-Content-Digest. Requests that differ in any of these get no digest.
/// </summary>
public sealed class GhcrLikeRegistry : IDisposable
{
    public const string Service = "ghcr.io";
    public const string Name = "sprocketbot/web";
    public const string Tag = "sha-4f2a9c1e0b7d";
    public const string Digest = "sha256:4f2a9c1e0b7d4f2a9c1e0b7d4f2a9c1e0b7d4f2a9c1e0b7d4f2a9c1e0b7d0001";
    public const string Scope = "repository:" + Name + ":pull";

    public GhcrLikeRegistry(string token, (string User, string Password)? credentials, int expiresInSeconds = 300, string tokenProperty = "token", string? realm = null)
    {
        Server = WireMockServer.Start();
        Token = token;
        Realm = realm ?? $"http://127.0.0.1:{Server.Port}/token";

        var bearer = new ExactMatcher("Bearer " + token);
        Server.Given(Request.Create().UsingHead().WithPath($"/v2/{Name}/manifests/{Tag}")
                .WithHeader("Authorization", bearer)
                .WithHeader("Accept", new WildcardMatcher("*application/vnd.docker.distribution.manifest.v2+json*"))
                .WithHeader("Accept", new WildcardMatcher("*application/vnd.docker.distribution.manifest.list.v2+json*"))
                .WithHeader("Accept", new WildcardMatcher("*application/vnd.oci.image.manifest.v1+json*"))
                .WithHeader("Accept", new WildcardMatcher("*application/vnd.oci.image.index.v1+json*")))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/vnd.oci.image.index.v1+json")
                .WithHeader("Docker-Content-Digest", Digest)
                .WithHeader("Docker-Distribution-Api-Version", "registry/2.0"));

        Server.Given(Request.Create().UsingHead().WithPath($"/v2/{Name}/manifests/*").WithHeader("Authorization", bearer))
            .AtPriority(2)
            .RespondWith(Response.Create().WithStatusCode(404));

        Server.Given(Request.Create().WithPath(new WildcardMatcher("/v2/*")))
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(401)
                .WithHeader("WWW-Authenticate", $"Bearer realm=\"{Realm}\",service=\"{Service}\",scope=\"{Scope}\"")
                .WithHeader("Content-Type", "application/json")
                .WithBody("""{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"""));

        var tokenRequest = Request.Create().UsingGet().WithPath("/token")
            .WithParam("service", new ExactMatcher(Service))
            .WithParam("scope", new ExactMatcher(Scope));
        tokenRequest = credentials is { } basic
            ? tokenRequest.WithHeader("Authorization", new ExactMatcher("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.User}:{basic.Password}"))))
            : tokenRequest.WithHeader("Authorization", "*", MatchBehaviour.RejectOnMatch);
        Server.Given(tokenRequest)
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"{{tokenProperty}}":"{{token}}","expires_in":{{expiresInSeconds}}}"""));

        Server.Given(Request.Create().WithPath("/token"))
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(401)
                .WithHeader("Content-Type", "application/json")
                .WithBody("""{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"""));
    }

    public WireMockServer Server { get; }

    public string Token { get; }

    public string Realm { get; }

    public string Host => $"127.0.0.1:{Server.Port}";

    public string Repository => $"{Host}/{Name}";

    public int TokenRequests => Server.LogEntries.Count(e => e.RequestMessage.Path == "/token");

    public int GrantedTokenRequests => Server.LogEntries.Count(e => e.RequestMessage.Path == "/token" && e.ResponseMessage.StatusCode is 200);

    /// <summary>Adds /tags/list pages the way Distribution v3 and GHCR paginate: <c>n</c>, <c>last</c>, and a <c>Link: &lt;…&gt;; rel="next"</c>.</summary>
    public void AddTagPages(int pageSize, params string[] tags)
    {
        var bearer = new ExactMatcher("Bearer " + Token);
        for (var start = 0; start < tags.Length; start += pageSize)
        {
            var page = tags.Skip(start).Take(pageSize).ToArray();
            var request = Request.Create().UsingGet().WithPath($"/v2/{Name}/tags/list")
                .WithHeader("Authorization", bearer)
                .WithParam("n", new ExactMatcher(pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            request = start == 0
                ? request.WithParam("last", MatchBehaviour.RejectOnMatch)
                : request.WithParam("last", new ExactMatcher(tags[start - 1]));
            var response = Response.Create().WithStatusCode(200)
                .WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"name":"{{Name}}","tags":[{{string.Join(',', page.Select(t => $"\"{t}\""))}}]}""");
            if (start + pageSize < tags.Length)
            {
                response = response.WithHeader("Link", $"</v2/{Name}/tags/list?last={page[^1]}&n={pageSize}>; rel=\"next\"");
            }
            Server.Given(request).AtPriority(1).RespondWith(response);
        }
    }

    public int TagPageRequests => Server.LogEntries.Count(e => e.RequestMessage.Path == $"/v2/{Name}/tags/list" && e.ResponseMessage.StatusCode is 200);

    public void Dispose() => Server.Stop();
}
