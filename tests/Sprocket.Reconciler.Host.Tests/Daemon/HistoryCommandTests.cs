using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sprocket.Reconciler.Cli;
using Sprocket.Reconciler.Host.Tests.Http;
using Sprocket.Reconciler.Http;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.Host.Tests.Daemon;

/// <summary><c>history STACK</c> run in-process against the read API of an in-process agent (a real SQLite state database).</summary>
public sealed class HistoryCommandTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);
    private HistoryApiHost _host = null!;

    public async Task InitializeAsync() => _host = await HistoryApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Prints_each_apply_newest_first_with_outcome_duration_and_short_revision()
    {
        var deploy = _host.History.Started(new ApplyRecord(0, HistoryApiHost.Stack, "pulumi", "Deploy", "webhook", "0123abcd4567ef890123abcd4567ef8901234567",
            "git-bbb2222", At, null, null, null, []));
        _host.History.Finished(deploy, At.AddSeconds(125), nameof(Core.Policy.ApplyOutcome.Failed), "pulumi up failed", [], null);
        var align = _host.History.Started(new ApplyRecord(0, HistoryApiHost.Stack, "pulumi", "Align", "apply", "fedcba98", "git-aaa1111", At.AddMinutes(9), null, null, null, []));

        var (exit, output, errors) = await RunAsync(new HistoryRequest(HistoryApiHost.Stack, _host.Address));

        Assert.True(exit == ExitCodes.Ok, errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^ID\s+STARTED\s+TRIGGER\s+TAG\s+OUTCOME\s+DURATION\s+REVISION\s+ENGINE\s+MODE$", lines[0]);
        Assert.Matches($@"^{align}\s+2026-11-30 03:09:00Z\s+apply\s+git-aaa1111\s+\(unfinished\)\s+-\s+fedcba98\s+pulumi\s+align$", lines[1]);
        Assert.Matches($@"^{deploy}\s+2026-11-30 03:00:00Z\s+webhook\s+git-bbb2222\s+failed\s+2m05s\s+0123abcd\s+pulumi\s+deploy$", lines[2]);
    }

    [Fact]
    public async Task Json_is_the_api_page_and_limit_pages_with_before()
    {
        var ids = Enumerable.Range(0, 3).Select(i => _host.History.Started(
            new ApplyRecord(0, HistoryApiHost.Stack, "swarm", "Deploy", "poll", "r", $"git-{i}aaaaaa", At, null, null, null, []))).ToList();

        var (exit, output, _) = await RunAsync(new HistoryRequest(HistoryApiHost.Stack, _host.Address, Limit: 2), json: true);
        var page = JsonSerializer.Deserialize(output, JsonContext.Default.ApplyHistoryPage)!;
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal([ids[2], ids[1]], page.Items.Select(i => i.Id));
        Assert.Equal(ids[1], page.Next);

        var (_, table, _) = await RunAsync(new HistoryRequest(HistoryApiHost.Stack, _host.Address, Limit: 2));
        Assert.EndsWith($"older entries: --before {ids[1]}\n", table, StringComparison.Ordinal);
        var (_, rest, _) = await RunAsync(new HistoryRequest(HistoryApiHost.Stack, _host.Address, Before: ids[1]));
        Assert.Contains("git-0aaaaaa", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("git-1aaaaaa", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("older entries", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_prints_the_timeline_with_links_and_no_control_characters()
    {
        _host.Events.Append(HistoryApiHost.Stack, At, StackEventKind.EmergencyRollback, "held: on-call rolled back \u001b[31mweb", "git-aaa1111", "git-bbb2222");
        _host.Events.Append(HistoryApiHost.Stack, At.AddMinutes(2), StackEventKind.WriteBackPullRequest, "pull request #7 opened",
            "git-aaa1111", "git-bbb2222", null, "https://github.com/acme/deploy/pull/7");

        var (exit, output, _) = await RunAsync(new HistoryRequest(HistoryApiHost.Stack, _host.Address, Events: true));

        Assert.Equal(ExitCodes.Ok, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^ID\s+AT\s+KIND\s+TAG\s+PREVIOUS\s+MESSAGE$", lines[0]);
        Assert.Matches(@"write-back-pull-request\s+git-aaa1111\s+git-bbb2222\s+pull request #7 opened https://github.com/acme/deploy/pull/7$", lines[1]);
        Assert.Contains("emergency-rollback", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);
    }

    [Fact]
    public async Task An_unknown_stack_exits_4_and_a_refused_limit_exits_2()
    {
        var (unknown, _, unknownErrors) = await RunAsync(new HistoryRequest("nope", _host.Address));
        var (refused, _, refusedErrors) = await RunAsync(new HistoryRequest(HistoryApiHost.Stack, _host.Address, Limit: 501));

        Assert.Equal(ExitCodes.NotFound, unknown);
        Assert.Contains("404 no stack named nope", unknownErrors, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidOrUnreachable, refused);
        Assert.Contains("400 limit must be", refusedErrors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_that_does_not_answer_exits_2_naming_the_address()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exit, _, errors) = await RunAsync(new HistoryRequest(HistoryApiHost.Stack, new Uri($"http://127.0.0.1:{port}")));
        var (badUrl, _, badUrlErrors) = await RunAsync(new HistoryRequest(HistoryApiHost.Stack, new Uri("ftp://127.0.0.1/")));

        Assert.Equal(ExitCodes.InvalidOrUnreachable, exit);
        Assert.StartsWith($"cannot reach the agent at http://127.0.0.1:{port}/", errors, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidOrUnreachable, badUrl);
        Assert.Contains("--url must be", badUrlErrors, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_reaches_history_with_its_options()
    {
        var result = ReconcilerCli.Create().Parse(["history", "web-prod", "--url", "http://10.0.0.5:8080", "--limit", "20", "--before", "7", "--events", "--json"]);

        Assert.Empty(result.Errors);
        Assert.Equal("history", result.CommandResult.Command.Name);
        Assert.Equal("web-prod", result.GetValue<string>("STACK"));
        Assert.Equal((20, 7L, true), (result.GetValue<int?>("--limit"), result.GetValue<long?>("--before"), result.GetValue<bool>("--events")));
        Assert.Equal(new Uri("http://10.0.0.5:8080"), result.GetValue<Uri>("--url"));
        Assert.Equal(new Uri(HistoryCommand.DefaultUrl), ReconcilerCli.Create().Parse(["history", "x"]).GetValue<Uri>("--url"));
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(HistoryRequest request, bool json = false)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var errors = new StringWriter { NewLine = "\n" };
        var exit = await HistoryCommand.RunAsync(request, json, output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }
}
