using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// The real <c>git http-backend</c> (smart HTTP) run as CGI behind Kestrel on loopback, guarded the way GitHub
/// guards a private repository: Basic auth with user <c>x-access-token</c> and the token as password, and
/// <c>401</c> with <c>WWW-Authenticate: Basic</c> for anything else.
/// </summary>
internal sealed class GitHttpBackendServer : IAsyncDisposable
{
    public const string UserName = "x-access-token";

    private readonly WebApplication _app;
    private readonly string _projectRoot;
    private readonly string _token;
    private int _rejectedRequests;
    private int _servedRequests;

    private GitHttpBackendServer(WebApplication app, string projectRoot, string token)
    {
        _app = app;
        _projectRoot = projectRoot;
        _token = token;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int RejectedRequests => Volatile.Read(ref _rejectedRequests);

    public int ServedRequests => Volatile.Read(ref _servedRequests);

    /// <summary>Serves every repository under <paramref name="projectRoot"/> at <c>/&lt;name&gt;</c>.</summary>
    public static async Task<GitHttpBackendServer> StartAsync(string projectRoot, string token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new GitHttpBackendServer(app, projectRoot, token);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!CarriesTheToken(context.Request))
        {
            Interlocked.Increment(ref _rejectedRequests);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"sprocket-test\"";
            return;
        }

        Interlocked.Increment(ref _servedRequests);
        await RunHttpBackendAsync(context);
    }

    private bool CarriesTheToken(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
            return false;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)) == $"{UserName}:{_token}";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // The CGI/1.1 variables git http-backend reads (see git-http-backend(1)).
    private async Task RunHttpBackendAsync(HttpContext context)
    {
        var request = context.Request;
        var start = new ProcessStartInfo("git")
        {
            ArgumentList = { "http-backend" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["GIT_PROJECT_ROOT"] = _projectRoot;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["GATEWAY_INTERFACE"] = "CGI/1.1";
        start.Environment["SERVER_PROTOCOL"] = request.Protocol;
        start.Environment["REQUEST_METHOD"] = request.Method;
        start.Environment["PATH_INFO"] = request.Path.Value ?? "/";
        start.Environment["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        start.Environment["REMOTE_USER"] = UserName;
        start.Environment["REMOTE_ADDR"] = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        if (request.ContentLength is { } length)
            start.Environment["CONTENT_LENGTH"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (request.Headers.ContentEncoding.Count > 0)
            start.Environment["HTTP_CONTENT_ENCODING"] = request.Headers.ContentEncoding.ToString();
        if (request.Headers.TryGetValue("Git-Protocol", out var protocol))
            start.Environment["HTTP_GIT_PROTOCOL"] = protocol.ToString();

        using var backend = Process.Start(start) ?? throw new InvalidOperationException("git http-backend did not start");
        var errors = backend.StandardError.ReadToEndAsync();
        var feed = Task.Run(async () =>
        {
            await request.Body.CopyToAsync(backend.StandardInput.BaseStream);
            backend.StandardInput.Close();
        });

        var output = backend.StandardOutput.BaseStream;
        foreach (var (name, value) in await ReadCgiHeadersAsync(output))
        {
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
                context.Response.StatusCode = int.Parse(value[..3], System.Globalization.CultureInfo.InvariantCulture);
            else
                context.Response.Headers.Append(name, value);
        }

        await output.CopyToAsync(context.Response.Body);
        await feed;
        await backend.WaitForExitAsync();
        var stderr = await errors;
        if (backend.ExitCode != 0)
            throw new InvalidOperationException($"git http-backend exited {backend.ExitCode}: {stderr}");
    }

    private static async Task<List<(string Name, string Value)>> ReadCgiHeadersAsync(Stream output)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await output.ReadAsync(one) == 0)
                throw new InvalidOperationException("git http-backend ended before its headers did");
            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray())
            .Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0)
            .Select(line => (line[..line.IndexOf(':')].Trim(), line[(line.IndexOf(':') + 1)..].Trim()))
            .ToList();
    }

    private static bool EndsWithBlankLine(List<byte> head) =>
        (head.Count >= 2 && head[^1] == '\n' && head[^2] == '\n')
        || (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r');

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
