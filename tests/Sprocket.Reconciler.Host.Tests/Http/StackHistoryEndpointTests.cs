using System.Net;
using System.Text.Json.Nodes;
using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.Http;

public sealed class StackHistoryEndpointTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);
    private HistoryApiHost _host = null!;

    public async Task InitializeAsync() => _host = await HistoryApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task History_is_each_apply_bom_newest_first_in_the_contract_shape()
    {
        var before = new ApplyRecordService("prod-web-1", "ghcr.io/s/web", "ghcr.io/s/web:git-aaa1111@sha256:aa", null);
        var first = _host.History.Started(new ApplyRecord(0, HistoryApiHost.Stack, "pulumi", "Deploy", "webhook", "0123abcd", "git-bbb2222", At, null, null, null, [before]));
        _host.History.Finished(first, At.AddSeconds(9), nameof(Core.Policy.ApplyOutcome.RolledBack), "Swarm rolled back", [before with { ImageAfter = before.ImageBefore }],
            new PreviewSummary(new Dictionary<string, int> { ["update"] = 1 }, ["update docker:index/service:Service web"], []));
        _host.History.Started(new ApplyRecord(0, HistoryApiHost.Stack, "swarm", "Align", "apply", "4567cdef", "git-aaa1111", At.AddMinutes(5), null, null, null, []));

        var (status, body) = await GetAsync($"api/v1/stacks/{HistoryApiHost.Stack}/history");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["items", "next"], Keys(body));
        var items = body["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        var running = items[0]!;
        Assert.Equal(["id", "trigger", "revision", "tag", "engine", "mode", "startedAt", "finishedAt", "outcome", "message", "services", "preview"], Keys(running));
        Assert.Equal(("align", "swarm", "apply", null, null), ((string?)running["mode"], (string?)running["engine"], (string?)running["trigger"],
            (string?)running["outcome"], (string?)running["finishedAt"]));
        var done = items[1]!;
        Assert.Equal((first, "rolled-back", "deploy", "git-bbb2222", "0123abcd"),
            ((long)done["id"]!, (string?)done["outcome"], (string?)done["mode"], (string?)done["tag"], (string?)done["revision"]));
        Assert.Equal("2026-11-30T03:00:09+00:00", (string?)done["finishedAt"]);
        var service = done["services"]![0]!;
        Assert.Equal(["service", "repository", "imageBefore", "imageAfter"], Keys(service));
        Assert.Equal("ghcr.io/s/web:git-aaa1111@sha256:aa", (string?)service["imageAfter"]);
        Assert.Equal(1, (int)done["preview"]!["changeSummary"]!["update"]!);
        Assert.Equal("update docker:index/service:Service web", (string?)done["preview"]!["steps"]![0]);
        Assert.Null(body["next"]);
    }

    [Fact]
    public async Task Events_page_with_next_until_it_is_null()
    {
        for (var i = 0; i < 5; i++)
            _host.Events.Append(HistoryApiHost.Stack, At.AddSeconds(i), StackEventKind.Hold, $"e{i}", "git-aaa1111", null, "0123abcd");
        _host.Events.Append(HistoryApiHost.Stack, At.AddSeconds(9), StackEventKind.WriteBackPullRequest, "pull request #7 opened",
            "git-aaa1111", "git-bbb2222", "0123abcd", "https://github.com/acme/deploy/pull/7");

        var (_, first) = await GetAsync($"api/v1/stacks/{HistoryApiHost.Stack}/events?limit=4");
        var newest = first["items"]![0]!;
        Assert.Equal(["id", "at", "kind", "message", "tag", "previousTag", "revision", "link"], Keys(newest));
        Assert.Equal(("write-back-pull-request", "git-bbb2222", "https://github.com/acme/deploy/pull/7"),
            ((string?)newest["kind"], (string?)newest["previousTag"], (string?)newest["link"]));
        Assert.Equal(["pull request #7 opened", "e4", "e3", "e2"], Messages(first));
        Assert.Equal((long)first["items"]![3]!["id"]!, (long)first["next"]!);

        var (_, second) = await GetAsync($"api/v1/stacks/{HistoryApiHost.Stack}/events?limit=4&before={(long)first["next"]!}");
        Assert.Equal(["e1", "e0"], Messages(second));
        Assert.Null(second["next"]);
    }

    [Fact]
    public async Task The_default_page_is_fifty()
    {
        for (var i = 0; i < 51; i++) _host.Events.Append(HistoryApiHost.Stack, At, StackEventKind.DriftSeen, $"e{i}");

        var (_, page) = await GetAsync($"api/v1/stacks/{HistoryApiHost.Stack}/events");

        Assert.Equal(50, page["items"]!.AsArray().Count);
        Assert.NotNull(page["next"]);
    }

    [Theory]
    [InlineData("history?limit=0", "limit")]
    [InlineData("history?limit=501", "limit")]
    [InlineData("events?limit=ten", "limit")]
    [InlineData("events?limit=-1", "limit")]
    [InlineData("events?before=0", "before")]
    [InlineData("history?before=x1", "before")]
    public async Task A_malformed_parameter_is_a_400_naming_it(string path, string parameter)
    {
        var (status, body) = await GetAsync($"api/v1/stacks/{HistoryApiHost.Stack}/{path}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(parameter + " ", (string?)body["error"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("history")]
    [InlineData("events")]
    public async Task An_unknown_stack_is_a_404_like_the_stack_document(string what)
    {
        var (status, body) = await GetAsync($"api/v1/stacks/nope/{what}");
        var (documentStatus, document) = await GetAsync("api/v1/stacks/nope");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (status, documentStatus));
        Assert.Equal((string?)document["error"], (string?)body["error"]);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(string path)
    {
        using var response = await _host.Client.GetAsync(path);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json",
            $"{(int)response.StatusCode} {response.Content.Headers.ContentType}: {await response.Content.ReadAsStringAsync()}");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static List<string> Keys(JsonNode node) => [.. node.AsObject().Select(p => p.Key)];

    private static List<string?> Messages(JsonNode page) => [.. page["items"]!.AsArray().Select(e => (string?)e!["message"])];
}
