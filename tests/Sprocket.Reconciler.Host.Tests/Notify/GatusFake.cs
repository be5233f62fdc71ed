using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>
/// Gatus' external-endpoint push as TwiN/gatus implements it (api/external_endpoint.go, config/key/key.go; rows in
/// this folder's README): <c>POST /api/v1/endpoints/{key}/external</c>, checks in Gatus' order — <c>success</c> must be
/// exactly true or false (400), <c>Authorization</c> must be <c>Bearer</c> and non-empty (401), the key must name a
/// configured external endpoint (404), the token must be that endpoint's (401), a <c>duration</c> must parse as a
/// Go duration (400) — then an empty 200. The key is compared with the path segment AS SENT: Gatus' router (fiber
/// without UnescapePath) does not decode it, so a percent-escaped key matches nothing. Hand-made rather than
/// WireMock because that raw request target is what matters.
/// </summary>
internal sealed class GatusFake : IAsyncDisposable
{
    private static readonly Regex Route = new("^(?<prefix>.*)/api/v1/endpoints/(?<key>[^/?]+)/external$");
    private static readonly Regex GoDuration = new(@"^[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+$|^0$");

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);

    private GatusFake(WebApplication app) => _app = app;

    /// <summary>Gatus' root URL (add a sub-path to it if the test serves Gatus under one).</summary>
    public string Url => _app.Urls.Single();

    /// <summary>Configures an external endpoint, as <c>external-endpoints: [{group, name, token}]</c> would.</summary>
    public GatusFake Endpoint(string group, string name, string token)
    {
        _tokens[Key(group, name)] = token;
        return this;
    }

    /// <summary>Gatus' ConvertGroupAndNameToKey, written from its documented behaviour.</summary>
    public static string Key(string group, string name) => Sanitize(group) + "_" + Sanitize(name);

    public static async Task<GatusFake> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new GatusFake(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    public IReadOnlyList<RecordedRequest> Requests() => _requests.ToArray();

    public Task<IReadOnlyList<RecordedRequest>> WaitForRequests(int count, string what) =>
        Eventually.UntilValue(() => Task.FromResult(Requests()), r => r.Count >= count, TimeSpan.FromSeconds(20), what);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var rawPath = rawTarget.Split('?')[0];
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var (status, answer) = Answer(request, rawPath);
        _requests.Enqueue(new RecordedRequest(
            request.Method, rawPath, request.QueryString.Value ?? "",
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(answer);
    }

    private (int Status, string Body) Answer(HttpRequest request, string rawPath)
    {
        var route = Route.Match(rawPath);
        if (!HttpMethods.IsPost(request.Method) || !route.Success) return (404, "Cannot " + request.Method + " " + rawPath);
        if (!request.Query.TryGetValue("success", out var success) || success.ToString() is not ("true" or "false"))
            return (400, "missing or invalid success query parameter");
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return (401, "invalid Authorization header");
        var token = authorization["Bearer ".Length..].Trim();
        if (token.Length == 0) return (401, "bearer token must not be empty");
        var key = route.Groups["key"].Value.ToLowerInvariant();
        if (!_tokens.TryGetValue(key, out var expected)) return (404, "not found");
        if (expected != token) return (401, "invalid token");
        if (request.Query.TryGetValue("duration", out var duration) && duration.ToString().Length > 0 && !GoDuration.IsMatch(duration.ToString()))
            return (400, "invalid duration: time: invalid duration \"" + duration + "\"");
        return (200, "");
    }

    private static string Sanitize(string s)
    {
        s = s.Trim().ToLowerInvariant();
        foreach (var c in "/_.,  #+&")
            s = s.Replace(c, '-');
        return s;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
