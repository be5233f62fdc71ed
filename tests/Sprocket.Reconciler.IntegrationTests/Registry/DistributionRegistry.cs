using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CliWrap.Buffered;

namespace Sprocket.Reconciler.IntegrationTests.Registry;

/// <summary>
/// A real Distribution registry (<c>/usr/bin/docker-registry</c>, Debian's 2.8) on a free loopback
/// port with its own temporary storage, optionally behind htpasswd Basic auth. Stopped by its pid.
/// Install with <c>apt-get install -y docker-registry apache2-utils</c>.
/// </summary>
public sealed class DistributionRegistry : IAsyncDisposable
{
    private const string Binary = "/usr/bin/docker-registry";

    private readonly Process _process;
    private readonly string _root;
    private readonly StringBuilder _output;

    private DistributionRegistry(Process process, string root, int port, StringBuilder output, (string User, string Password)? basic)
    {
        _process = process;
        _root = root;
        _output = output;
        Port = port;
        Basic = basic;
    }

    public int Port { get; }

    /// <summary>Host as it appears in image references: <c>127.0.0.1:PORT</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://{Host}/");

    public (string User, string Password)? Basic { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public RegistryPusher Pusher() => new(BaseUri, Basic is { } b
        ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{b.User}:{b.Password}")))
        : null);

    public static async Task<DistributionRegistry> StartAsync((string User, string Password)? basic = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y docker-registry apache2-utils");
        }

        var root = Directory.CreateTempSubdirectory("sprocket-registry-").FullName;
        var port = FreeLoopbackPort();
        var config = new StringBuilder($"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {root}/storage
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            """).Append('\n');
        if (basic is { } credentials)
        {
            var htpasswd = await global::CliWrap.Cli.Wrap("htpasswd").WithArguments(["-Bbn", credentials.User, credentials.Password]).ExecuteBufferedAsync();
            await File.WriteAllTextAsync(Path.Combine(root, "htpasswd"), htpasswd.StandardOutput.Trim() + "\n");
            config.Append($"""
                auth:
                  htpasswd:
                    realm: sprocket-test
                    path: {root}/htpasswd
                """).Append('\n');
        }
        var configPath = Path.Combine(root, "config.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());

        var output = new StringBuilder();
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(Binary, ["serve", configPath])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        // Drain both pipes: a full pipe would block the registry mid-request.
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var registry = new DistributionRegistry(process, root, port, output, basic);
        try
        {
            await registry.WaitUntilServingAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
        return registry;
    }

    private async Task WaitUntilServingAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Until(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}: {Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUri, "v2/"));
                return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, limit, $"docker-registry answering on {Host}");
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
