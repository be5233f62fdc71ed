using System.CommandLine;
using System.Net.Sockets;
using Sprocket.Reconciler.Core.Desired;

namespace Sprocket.Reconciler.Cli;

/// <summary>
/// <c>probe [--url URL] [--timeout DURATION]</c>: the container's health check without curl. One GET, exit 0 on a 2xx
/// answer, 1 otherwise with one line on stderr saying why. It runs every 30 s beside the daemon, so it reads no
/// configuration and builds no host: a System.CommandLine parse and one HttpClient request, nothing else.
/// </summary>
public static class ProbeCommand
{
    public const string Name = "probe";
    public const string DefaultUrl = "http://127.0.0.1:8080/healthz";
    private const string Prefix = "sprocket-reconciler probe: ";

    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = $"The address to GET (default {DefaultUrl}: liveness; /readyz would fail a standby).",
            DefaultValueFactory = _ => DefaultUrl,
        };
        var timeout = new Option<string>("--timeout")
        {
            Description = "How long to wait for the answer: 500ms, 5s, 1m or 00:00:05 (default 5s).",
            DefaultValueFactory = _ => "5s",
        };
        var command = new Command(Name, "GET the agent's /healthz once, for a container HEALTHCHECK. " +
            "Exit 0 on a 2xx answer, 1 otherwise (refused, timeout, status code, or arguments it cannot run with).")
        {
            url,
            timeout,
        };
        command.SetAction((result, cancellationToken) => result.UnmatchedTokens.Count > 0
            ? UsageAsync(Console.Error, $"unknown argument {DisplayText.Quote(string.Join(' ', result.UnmatchedTokens))} (probe takes --url and --timeout)")
            : RunAsync(result.GetValue(url)!, result.GetValue(timeout)!, Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string url, string timeout, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            return await UsageAsync(errors, $"--url must be an absolute http:// or https:// address such as {DefaultUrl}, not {DisplayText.Quote(url)}");
        if (CommandLineDuration.Parse(timeout) is not { } limit)
            return await UsageAsync(errors, $"--timeout must be a positive duration such as 5s, 500ms or 00:00:05, not {DisplayText.Quote(timeout)}");

        // No proxy: the agent is probed where it runs, and an HTTP_PROXY meant for its registries must not answer for it.
        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = limit };
        using var client = new HttpClient(handler) { Timeout = limit };
        try
        {
            using var response = await client.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = $"{(int)response.StatusCode} {DisplayText.Escape(response.ReasonPhrase ?? "")}".TrimEnd();
            if (response.IsSuccessStatusCode)
            {
                await output.WriteLineAsync($"{address}: {status}");
                return ExitCodes.Ok;
            }
            await errors.WriteLineAsync($"{Prefix}{address}: {status}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await errors.WriteLineAsync($"{Prefix}{address}: timeout, no answer within {limit.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            var why = ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connection refused" : ex.Message;
            await errors.WriteLineAsync($"{Prefix}{address}: {DisplayText.Escape(why)}");
        }
        return ExitCodes.Unhealthy;
    }

    /// <summary>
    /// A probe that cannot be run as written: exit 1 with one line on stderr saying what is wrong. Docker reads every
    /// non-zero exit of a health check as unhealthy and reserves 2 (moby/moby: daemon/health.go; the HEALTHCHECK
    /// reference), so no exit code could keep a typo from reading as a sick agent: the stderr line, which Docker keeps
    /// in the container's health log, is what tells the two apart.
    /// </summary>
    public static async Task<int> UsageAsync(TextWriter errors, string problem)
    {
        await errors.WriteLineAsync(Prefix + problem);
        return ExitCodes.Unhealthy;
    }
}
