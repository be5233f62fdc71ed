using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sprocket.Reconciler.IntegrationTests.Daemon;
using Sprocket.Reconciler.IntegrationTests.Leadership;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>The HTTP side of an agent running in a container: what an operator or Prometheus reaches on its port.</summary>
internal sealed class AgentApi(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };

    public Uri BaseAddress => baseAddress;

    /// <summary><c>GET /readyz</c>; null while nothing listens (the task is starting or stopping).</summary>
    public async Task<(HttpStatusCode Code, ReadinessView View)?> ReadinessAsync()
    {
        try
        {
            using var response = await _http.GetAsync("readyz");
            var view = await response.Content.ReadFromJsonAsync<ReadinessView>()
                ?? throw new InvalidOperationException("/readyz answered null");
            return (response.StatusCode, view);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200; returns what it said.</summary>
    public async Task<ReadinessView> WaitForReadyAsync(TimeSpan timeout, string what) =>
        (await Eventually.UntilValue(ReadinessAsync, answer => answer?.Code == HttpStatusCode.OK, timeout, what))!.Value.View;

    /// <summary>
    /// Polls <c>/readyz</c> until it answers 200 with a revision <paramref name="isOwnRevision"/> accepts: a commit of
    /// this test's own repository, so that no other process on the port passes for the agent (say, while its tasks swap).
    /// </summary>
    public async Task<ReadinessView> WaitForReadyAsync(TimeSpan timeout, string what, Func<string, Task<bool>> isOwnRevision) =>
        (await Eventually.UntilValue(async () =>
                await ReadinessAsync() is { Code: HttpStatusCode.OK, View.Revision: { } revision } answer && await isOwnRevision(revision)
                    ? answer.View
                    : null,
            view => view is not null, timeout, what))!;

    /// <summary><c>GET /api/v1/stacks/{name}</c>, read strictly against the contract; null on 404 or while nothing listens.</summary>
    public async Task<StackView?> StackAsync(string name)
    {
        try
        {
            using var response = await _http.GetAsync($"api/v1/stacks/{Uri.EscapeDataString(name)}");
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<StackView>(StackView.ContractOptions);
        }
        catch (Exception exception) when (exception is HttpRequestException { StatusCode: null } or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<StackView> WaitForStackAsync(string name, Func<StackView, bool> done, string what, TimeSpan? timeout = null) =>
        (await Eventually.UntilValue(() => StackAsync(name), s => s is not null && done(s), timeout ?? TimeSpan.FromSeconds(60), what))!;

    public async Task<MetricsScrape> MetricsAsync() => PrometheusText.Parse(await _http.GetStringAsync("metrics"));

    /// <summary>The stack's applies, oldest first, from <c>GET /api/v1/stacks/{name}/history</c>.</summary>
    public async Task<IReadOnlyList<AgentApply>> HistoryAsync(string name)
    {
        var body = await _http.GetStringAsync($"api/v1/stacks/{Uri.EscapeDataString(name)}/history?limit=500");
        return JsonNode.Parse(body)!["items"]!.AsArray().Reverse().Select(item => AgentApply.From(item!)).ToList();
    }

    public async Task<HttpResponseMessage> GetAsync(string relativePath) => await _http.GetAsync(relativePath);

    /// <summary><c>POST /api/v1/stacks/{name}/{action}</c>, with <c>Authorization: Bearer</c> when a token is given.</summary>
    public async Task<HttpStatusCode> PostAsync(string name, string action, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/stacks/{Uri.EscapeDataString(name)}/{action}");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One apply of <c>GET /api/v1/stacks/{name}/history</c>.</summary>
internal sealed record AgentApply(long Id, string Tag, string Mode, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Outcome)
{
    public static AgentApply From(JsonNode item) => new(
        (long)item["id"]!,
        (string)item["tag"]!,
        (string)item["mode"]!,
        (DateTimeOffset)item["startedAt"]!,
        item["finishedAt"] is { } finished ? (DateTimeOffset)finished : null,
        (string?)item["outcome"]);
}
