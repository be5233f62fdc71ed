using System.Formats.Tar;
using System.Net;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.TestEnv;
using Xunit.Abstractions;

namespace Sprocket.Reconciler.IntegrationTests.ImageBuild;

/// <summary>
/// The agent's image, built from the working tree's Dockerfile on the test engine (<see cref="ReconcilerImage"/>), is what
/// the Dockerfile promises: no shell, the shipped defaults at /app, JSON logs, a data directory the non-root user can
/// write, and a daemon that runs from it against the real Swarm, as root and as <c>app</c> with the docker group.
/// </summary>
public sealed class ImageBuildTests(ITestOutputHelper output)
{
    private const string DataDirectory = "/var/lib/sprocket-reconciler";
    private const int AppUid = 1654;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    private readonly ScratchDirectory _scratch = new();
    private readonly string _name = $"image-test-{Guid.NewGuid():N}"[..19];
    private readonly List<string[]> _cleanup = [];
    private readonly DockerCli _docker = DockerCli.ForTestEnvironment();

    [Fact]
    public async Task The_image_is_built_pushed_and_has_the_promised_configuration()
    {
        var image = await ReconcilerImage.EnsureBuiltAsync();
        output.WriteLine($"image {image.Reference}: {image.SizeText} ({image.SizeBytes} bytes); " +
            (image.BuildTime is { } took ? $"built in {took.TotalSeconds:0.0} s" : "reused (same build context)"));
        output.WriteLine(image.BuildOutput);

        // Pushed: the registry knows the tag, so any node of the Swarm can pull it.
        var tag = image.Reference[(image.Reference.LastIndexOf(':') + 1)..];
        using var http = new HttpClient();
        var tags = await http.GetStringAsync($"http://{TestEnvironment.Current.Registry}/v2/{ReconcilerImage.Repository}/tags/list");
        Assert.Contains($"\"{tag}\"", tags, StringComparison.Ordinal);

        using var inspected = JsonDocument.Parse(await _docker.RunAsync("image", "inspect", "--format", "{{json .Config}}", image.Reference));
        var config = inspected.RootElement;
        Assert.Equal(["/app/sprocket-reconciler"], Strings(config.GetProperty("Entrypoint")));
        Assert.Equal(["run"], Strings(config.GetProperty("Cmd")));
        Assert.Equal("/app", config.GetProperty("WorkingDir").GetString());
        // Root by default, for the root:docker 0660 socket; the run as app is below.
        Assert.Equal("root", config.GetProperty("User").GetString());
        Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.True(config.GetProperty("Volumes").TryGetProperty(DataDirectory, out _));
        var environment = Strings(config.GetProperty("Env"));
        Assert.Contains("Logging__Console__FormatterName=json", environment);
        Assert.Contains($"Reconciler__DataDirectory={DataDirectory}", environment);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", environment);
        Assert.Contains($"APP_UID={AppUid}", environment);
        Assert.Equal(["CMD", "/app/sprocket-reconciler", "probe"], Strings(config.GetProperty("Healthcheck").GetProperty("Test")));
    }

    [Fact]
    public async Task The_image_has_no_shell_and_ships_its_defaults_and_a_data_directory_owned_by_app()
    {
        try
        {
            var image = await ReconcilerImage.EnsureBuiltAsync();
            foreach (var shell in new[] { "sh", "/bin/sh", "bash" })
            {
                var run = await DockerAsync("run", "--rm", "--network", "none", "--entrypoint", shell, image.Reference, "-c", "true");
                // 127: the engine found nothing to start (`executable file not found in $PATH`, `stat /bin/sh: no such file`).
                Assert.True(run.ExitCode == 127, $"{shell} in the image: exit {run.ExitCode}, {run.StandardError}");
                Assert.Matches("executable file not found|no such file or directory", run.StandardError);
            }

            var container = (await _docker.RunAsync("create", image.Reference)).Trim();
            _cleanup.Add(["rm", "-f", "-v", container]);
            var shipped = await CopyOutAsync(container, "/app/appsettings.json");
            var settings = Assert.Single(shipped, entry => entry.Name == "appsettings.json");
            var source = await File.ReadAllTextAsync(Path.Combine(ReconcilerImage.RepositoryRoot, "src", "Sprocket.Reconciler", "appsettings.json"));
            Assert.Equal(source, settings.Text);

            // A fresh named volume takes the owner of the image's directory: the non-root user can write it.
            var data = Assert.Single(await CopyOutAsync(container, DataDirectory), entry => entry.Name.TrimEnd('/') == "sprocket-reconciler");
            Assert.Equal((AppUid, AppUid), (data.Uid, data.Gid));
            var files = await CopyOutAsync(container, "/usr/share/dotnet");
            Assert.DoesNotContain(files, entry => entry.Name.StartsWith("dotnet/sdk/", StringComparison.Ordinal));
    
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    /// <summary>
    /// A sync window in a time zone other than UTC validates inside the image: the runtime image has no tzdata, the
    /// Dockerfile copies the build stage's /usr/share/zoneinfo. With that folder hidden, the same file is rejected, so
    /// the first answer is the copied zoneinfo's doing.
    /// </summary>
    [Fact]
    public async Task A_sync_window_in_a_named_time_zone_validates_inside_the_image()
    {
        var image = await ReconcilerImage.EnsureBuiltAsync();
        var folder = Directory.CreateDirectory(_scratch.Combine("desired")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "desired-state.yaml"), """
            version: 1
            stacks:
              - name: tz-check
                engine: swarm
                imageTag: git-aaa1111
                services:
                  - { repository: 127.0.0.1:5555/sprocketbot/web, match: tz-check-web* }
                policy:
                  syncWindows:
                    - { kind: allow, schedule: "0 0 9 ? * MON-FRI", duration: 8h, timeZone: Europe/Berlin }
            """);
        try
        {
            string[] validate = [image.Reference, "validate", "/desired/desired-state.yaml"];
            var valid = await DockerAsync(["run", "--rm", "--network", "none", "--volume", $"{folder}:/desired:ro", .. validate]);
            Assert.True(valid.ExitCode == 0, $"exit {valid.ExitCode}: {valid.StandardOutput}{valid.StandardError}");

            var withoutZoneinfo = await DockerAsync(
                ["run", "--rm", "--network", "none", "--volume", $"{folder}:/desired:ro", "--tmpfs", "/usr/share/zoneinfo", .. validate]);
            Assert.True(withoutZoneinfo.ExitCode == 2, $"exit {withoutZoneinfo.ExitCode}: {withoutZoneinfo.StandardOutput}{withoutZoneinfo.StandardError}");
            Assert.Contains("Europe/Berlin", withoutZoneinfo.StandardOutput + withoutZoneinfo.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            _scratch.Dispose();
        }
    }

    [Fact]
    public async Task Probe_exits_1_when_nothing_answers()
    {
        var image = await ReconcilerImage.EnsureBuiltAsync();
        var probe = await DockerAsync("run", "--rm", "--network", "host", image.Reference, "probe", "--url", "http://127.0.0.1:1/healthz");
        Assert.Equal(1, probe.ExitCode);
        Assert.NotEqual("", probe.StandardError.Trim());
    }

    /// <summary>
    /// The image's own HEALTHCHECK (only its interval shortened) turns the container healthy, and the probe answers 0
    /// inside it. No network but the container's own: the probe's default URL, port 8080, is then the daemon's alone,
    /// and the desired-state repository cannot be reached, so /readyz fails all along: healthy means liveness only.
    /// </summary>
    [Fact]
    public async Task The_healthcheck_probe_turns_the_running_container_healthy()
    {
        var image = await ReconcilerImage.EnsureBuiltAsync();
        try
        {
            _cleanup.Insert(0, ["rm", "-f", "-v", _name]);
            // Port 1 of the container's own loopback: nothing listens, every fetch is refused.
            await _docker.RunAsync(
                "run", "--detach", "--name", _name, "--network", "none", "--health-interval", "1s", "--health-start-period", "60s",
                "--volume", $"{new Uri(TestEnvironment.Current.DockerHost).AbsolutePath}:/var/run/docker.sock",
                "--env", "Reconciler__DesiredState__Repository=http://127.0.0.1:1/desired.git",
                image.Reference);
            try
            {
                await Eventually.Until(
                    async () => (await _docker.RunAsync("inspect", "--format", "{{.State.Health.Status}}", _name)).Trim() == "healthy",
                    StartDeadline, "the container's health status to be healthy");
            }
            catch (TimeoutException exception)
            {
                var health = await _docker.RunAsync("inspect", "--format", "{{json .State.Health}}", _name);
                throw new TimeoutException($"{exception.Message}\n{health}\n--- docker logs ---\n{await LogsAsync()}", exception);
            }

            var probe = await DockerAsync("exec", _name, "/app/sprocket-reconciler", "probe");
            Assert.Equal(0, probe.ExitCode);
            var refused = await DockerAsync("exec", _name, "/app/sprocket-reconciler", "probe", "--url", "http://127.0.0.1:1/healthz");
            Assert.Equal(1, refused.ExitCode);
            // Healthy while not ready: the HEALTHCHECK must never probe /readyz, or Swarm restarts a daemon waiting on git.
            var ready = await DockerAsync("exec", _name, "/app/sprocket-reconciler", "probe", "--url", "http://127.0.0.1:8080/readyz");
            Assert.True(ready.ExitCode == 1, $"/readyz with an unreachable repository: exit {ready.ExitCode}, {ready.StandardOutput}{ready.StandardError}");
            Assert.Equal("healthy", (await _docker.RunAsync("inspect", "--format", "{{.State.Health.Status}}", _name)).Trim());
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    [Fact]
    public Task The_daemon_runs_from_the_image_as_root_and_logs_json() => RunsAsync(asApp: false);

    [Fact]
    public Task The_daemon_runs_from_the_image_as_app_with_the_docker_group_on_a_fresh_volume() => RunsAsync(asApp: true);

    private async Task RunsAsync(bool asApp)
    {
        try
        {
            var image = await ReconcilerImage.EnsureBuiltAsync();
            var environment = TestEnvironment.Current;
            var token = $"tok-{Guid.NewGuid():N}";
            var stack = _name.Replace("image-test-", "img-", StringComparison.Ordinal);
            var (_, revision) = await DesiredStateRepositoryAsync(stack);
            await using var server = await GitHttpBackendServer.StartAsync(_scratch.Combine("projects"), token);
            var port = FreeLoopbackPort();

            var socket = new Uri(environment.DockerHost).AbsolutePath;
            List<string> arguments =
            [
                "run", "--detach", "--name", _name, "--network", "host",
                "--volume", $"{socket}:/var/run/docker.sock",
                "--env", $"Reconciler__DesiredState__Repository={new Uri(server.BaseAddress, "desired.git").AbsoluteUri}",
                "--env", $"Reconciler__GitHub__Token={token}",
                "--env", "Reconciler__GitHub__Notify=false",
            ];
            if (asApp)
            {
                // As the Dockerfile's comment says: the app user, with the group that owns the engine's socket.
                await _docker.RunAsync("volume", "create", _name);
                _cleanup.Add(["volume", "rm", "-f", _name]);
                arguments.AddRange(["--user", $"{AppUid}", "--group-add", $"{await GroupIdOfAsync(socket)}", "--volume", $"{_name}:{DataDirectory}"]);
            }
            // The port moved the way the image's own ASPNETCORE_HTTP_PORTS=8080 sets it, so nothing overrides anything.
            arguments.InsertRange(arguments.IndexOf("--volume"), ["--env", $"ASPNETCORE_HTTP_PORTS={port}"]);
            arguments.AddRange([image.Reference, "run"]);
            _cleanup.Insert(0, ["rm", "-f", "-v", _name]);
            await _docker.RunAsync([.. arguments]);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            try
            {
                await Eventually.Until(() => AnswersAsync(http, "healthz"), StartDeadline, "/healthz of the daemon in the container");
                // git over http and the engine through the mounted socket both work from inside: the stack is evaluated.
                await Eventually.Until(async () => await AnswersAsync(http, $"api/v1/stacks/{stack}")
                    && (await http.GetStringAsync($"api/v1/stacks/{stack}")).Contains(revision, StringComparison.Ordinal),
                    StartDeadline, $"stack {stack} evaluated at {revision}");
            }
            catch (TimeoutException exception)
            {
                throw new TimeoutException($"{exception.Message}\n--- docker logs ---\n{await LogsAsync()}", exception);
            }

            Assert.True(server.ServedRequests > 0, "the daemon in the container did not read the desired state over http");
            var logs = await DockerAsync("logs", _name);
            var lines = logs.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            foreach (var line in lines)
            {
                using var entry = JsonDocument.Parse(line);
                Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), $"not a JSON log entry: {line}");
                Assert.True(entry.RootElement.TryGetProperty("Category", out _), $"not a JSON log entry: {line}");
            }
            Assert.Contains(lines, line => line.Contains("Now listening on", StringComparison.Ordinal));
            // A clean start warns about nothing: not "Overriding HTTP_PORTS" (a default URL on top of the image's ports),
            // not data protection's keys in a directory the container loses.
            var warnings = lines.Where(line => JsonDocument.Parse(line).RootElement.GetProperty("LogLevel").GetString() is "Warning" or "Error" or "Critical").ToList();
            Assert.True(warnings.Count == 0, "warned at a clean start:\n" + string.Join('\n', warnings));
            Assert.DoesNotContain(token, logs.StandardOutput + logs.StandardError, StringComparison.Ordinal);

            if (asApp)
            {
                var state = await CopyOutAsync(_name, $"{DataDirectory}/reconciler.db");
                var database = Assert.Single(state);
                Assert.Equal(AppUid, database.Uid);
            }

            var user = (await _docker.RunAsync("inspect", "--format", "{{.Config.User}}", _name)).Trim();
            Assert.Equal(asApp ? $"{AppUid}" : "root", user);
            output.WriteLine($"{(asApp ? "app" : "root")}: {lines.Length} JSON log lines, e.g. {lines[0]}");
    
        }
        finally
        {
            await CleanUpAsync();
        }
    }

    /// <summary>
    /// A bare desired-state repository under the scratch folder's <c>projects/</c> (where <see cref="GitHttpBackendServer"/>
    /// serves it as <c>desired.git</c>) with one stack that matches no service. Returns its path and the commit.
    /// </summary>
    private async Task<(string Path, string Revision)> DesiredStateRepositoryAsync(string? stack = null)
    {
        stack ??= _name.Replace("image-test-", "img-", StringComparison.Ordinal);
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        var revision = await work.CommitFileAsync(DesiredStateYaml.FileName, DesiredStateYaml.Render(new DesiredStack(stack, SeededImages.GitAaa,
            new DesiredService($"{TestEnvironment.Current.Registry}/{SeededImages.Web}", $"{stack}-matches-nothing*"))));
        var bare = await work.CloneBareAsync(Path.Combine(Directory.CreateDirectory(_scratch.Combine("projects")).FullName, "desired.git"));
        return (bare, revision);
    }

    private static async Task<bool> AnswersAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<string> LogsAsync()
    {
        var logs = await DockerAsync("logs", "--tail", "80", _name);
        return logs.StandardOutput + logs.StandardError;
    }

    private static async Task<BufferedCommandResult> DockerAsync(params string[] arguments)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await global::CliWrap.Cli.Wrap("docker").WithArguments(arguments)
            .WithEnvironmentVariables(variables => variables.Set("DOCKER_HOST", TestEnvironment.Current.DockerHost))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(deadline.Token);
    }

    private sealed record CopiedEntry(string Name, int Uid, int Gid, string? Text);

    /// <summary><c>docker cp CONTAINER:PATH -</c> (a tar stream): the image has no shell to ask, so read its files this way.</summary>
    private static async Task<IReadOnlyList<CopiedEntry>> CopyOutAsync(string container, string path)
    {
        using var tar = new MemoryStream();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await global::CliWrap.Cli.Wrap("docker").WithArguments(["cp", $"{container}:{path}", "-"])
            .WithEnvironmentVariables(variables => variables.Set("DOCKER_HOST", TestEnvironment.Current.DockerHost))
            .WithStandardOutputPipe(PipeTarget.ToStream(tar))
            .ExecuteAsync(deadline.Token);
        tar.Position = 0;
        var entries = new List<CopiedEntry>();
        await using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            string? text = null;
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.Length < 1_000_000 && entry.DataStream is { } data)
            {
                using var textReader = new StreamReader(data);
                text = await textReader.ReadToEndAsync();
            }
            entries.Add(new CopiedEntry(entry.Name, entry.Uid, entry.Gid, text));
        }

        return entries;
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetString()!)];

    /// <summary>The group id that owns <paramref name="path"/> (the engine's socket: root:docker 0660 on a real host).</summary>
    private static async Task<string> GroupIdOfAsync(string path) =>
        (await global::CliWrap.Cli.Wrap("stat").WithArguments(["-c", "%g", path]).ExecuteBufferedAsync()).StandardOutput.Trim();

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Removes only what this test made: its container, then its volume; also after a failure.</summary>
    private async Task CleanUpAsync()
    {
        foreach (var command in _cleanup)
        {
            var result = await DockerAsync(command);
            if (result.ExitCode != 0) output.WriteLine($"clean-up: docker {string.Join(' ', command)}: {result.StandardError}");
        }

        _cleanup.Clear();
        _scratch.Dispose();
    }
}
