using System.CommandLine;
using System.Net;
using System.Text.Json;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Http;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// <c>history STACK</c>: a stack's applies (or with <c>--events</c> its timeline), newest first, read from the API of
/// a running agent like <c>argocd app history</c> or <c>kubectl rollout history</c>. The API is the contract: this
/// works from any machine that reaches the agent, while it runs, with no access to its data directory.
/// Exit 0 printed, 4 no such stack, 2 the agent unreachable or the arguments refused.
/// </summary>
public static class HistoryCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static Command Create()
    {
        var stack = new Argument<string>("STACK") { Description = "The stack's name, as in the desired-state file." };
        var url = new Option<Uri>("--url")
        {
            Description = $"The agent's HTTP address (default {DefaultUrl}).",
            DefaultValueFactory = _ => new Uri(DefaultUrl),
            CustomParser = result =>
            {
                if (Uri.TryCreate(result.Tokens.Single().Value, UriKind.Absolute, out var address)) return address;
                result.AddError($"--url must be an absolute address such as {DefaultUrl}");
                return null;
            },
        };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON page instead of a table." };
        var events = new Option<bool>("--events") { Description = "Print the stack's timeline (GET .../events) instead of its applies." };
        var limit = new Option<int?>("--limit") { Description = $"How many entries (1-{PageQuery.MaxLimit}, default {PageQuery.DefaultLimit})." };
        var before = new Option<long?>("--before") { Description = "Only entries older than this id: the next value of the previous page." };
        var command = new Command("history", "Show a stack's apply history (trigger, tag, outcome, duration, revision) or, with --events, " +
            "its timeline, from a running agent. Exit 0 printed, 4 no such stack, 2 agent unreachable or arguments refused.")
        {
            stack, url, json, events, limit, before,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            new HistoryRequest(result.GetValue(stack)!, result.GetValue(url)!, result.GetValue(events), result.GetValue(limit), result.GetValue(before)),
            result.GetValue(json), Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(HistoryRequest request, bool json, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (!request.Url.IsAbsoluteUri || request.Url.Scheme is not ("http" or "https"))
        {
            await errors.WriteLineAsync($"--url must be the agent's http:// or https:// address, not {DisplayText.Quote(request.Url.OriginalString)}");
            return ExitCodes.InvalidOrUnreachable;
        }
        using var client = new HttpClient { Timeout = Timeout };
        var address = request.Address();
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(address, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await errors.WriteLineAsync($"cannot reach the agent at {request.Url}: {DisplayText.Escape(ex.Message)} (is it running? --url sets its address)");
            return ExitCodes.InvalidOrUnreachable;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                await errors.WriteLineAsync($"{address}: {(int)response.StatusCode} {DisplayText.Escape(ErrorOf(body) ?? response.ReasonPhrase ?? "")}");
                return response.StatusCode == HttpStatusCode.NotFound && ErrorOf(body) is not null ? ExitCodes.NotFound : ExitCodes.InvalidOrUnreachable;
            }
            try
            {
                if (request.Events)
                {
                    var page = JsonSerializer.Deserialize(body, JsonContext.Default.StackEventPage) ?? throw new JsonException("empty body");
                    await output.WriteAsync(json ? JsonSerializer.Serialize(page, JsonContext.Default.StackEventPage) + Environment.NewLine : HistoryTable.Render(page));
                }
                else
                {
                    var page = JsonSerializer.Deserialize(body, JsonContext.Default.ApplyHistoryPage) ?? throw new JsonException("empty body");
                    await output.WriteAsync(json ? JsonSerializer.Serialize(page, JsonContext.Default.ApplyHistoryPage) + Environment.NewLine : HistoryTable.Render(page));
                }
            }
            catch (JsonException ex)
            {
                await errors.WriteLineAsync($"{address} did not answer with a history page ({DisplayText.Escape(ex.Message)}): is --url a Sprocket.Reconciler agent?");
                return ExitCodes.InvalidOrUnreachable;
            }
        }
        return ExitCodes.Ok;
    }

    private static string? ErrorOf(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, JsonContext.Default.ErrorDocument)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What <c>history</c> asks the agent for.</summary>
public sealed record HistoryRequest(string Stack, Uri Url, bool Events = false, int? Limit = null, long? Before = null)
{
    public Uri Address()
    {
        var query = string.Join('&', new[]
        {
            Limit is { } limit ? $"limit={limit}" : null,
            Before is { } before ? $"before={before}" : null,
        }.OfType<string>());
        var path = $"api/v1/stacks/{Uri.EscapeDataString(Stack)}/{(Events ? "events" : "history")}{(query.Length > 0 ? "?" + query : "")}";
        var root = Url.AbsoluteUri.EndsWith('/') ? Url : new Uri(Url.AbsoluteUri + "/");
        return new Uri(root, path);
    }
}
