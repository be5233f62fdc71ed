using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Sprocket.Reconciler.IntegrationTests.Git;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Daemon;

/// <summary>
/// The real daemon as a child process: <c>dotnet sprocket-reconciler.dll run</c> from the test output folder
/// (the test project references the host project, so the built daemon sits next to the tests), on a loopback
/// port the kernel picks, with its own temporary DataDirectory and desired-state git repository, against the
/// test Swarm. Stopped with SIGTERM (the host's graceful shutdown), killed if it does not stop in time.
/// </summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    /// <summary>Short, so a commit is picked up within about a second; the daemon's default is 30 s.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(15);

    private readonly WorkRepository _repository;
    private readonly string? _bareRemote;
    private readonly string _root;
    private readonly ProcessStartInfo _start;
    private readonly SemaphoreSlim _commits = new(1, 1);
    private Process _process;
    private HttpClient _http;

    private DaemonProcess(
        Process process, ProcessStartInfo start, WorkRepository repository, string? bareRemote, string root, ProcessOutput output,
        ProcessOutput standardOutput, Uri baseAddress, string initialRevision)
    {
        StandardOutput = standardOutput;
        InitialRevision = initialRevision;
        _process = process;
        _start = start;
        _repository = repository;
        _bareRemote = bareRemote;
        _root = root;
        Output = output;
        BaseAddress = baseAddress;
        _http = NewHttpClient(baseAddress);
    }

    /// <summary>The daemon's HTTP root, <c>http://127.0.0.1:PORT/</c> (a new port after <see cref="RestartAsync"/>).</summary>
    public Uri BaseAddress { get; private set; }

    /// <summary>The daemon's <c>Reconciler:DataDirectory</c> (SQLite state, clones); kept across <see cref="RestartAsync"/>.</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>The process id of the running daemon.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the daemon process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The desired-state repository the daemon reads (a local path; <c>DesiredState:Repository</c> gets it, or
    /// the URL <c>repositoryUrl</c> made of it): the bare remote when started with <c>bareRemote</c>.</summary>
    public string RepositoryPath => _bareRemote ?? _repository.Directory;

    /// <summary>The working repository where the test's commits are made (the same as <see cref="RepositoryPath"/>
    /// unless started with <c>bareRemote</c>).</summary>
    public string WorkingCopyPath => _repository.Directory;

    public ProcessOutput Output { get; }

    /// <summary>The daemon's stdout alone (<see cref="Output"/> interleaves stderr): what a log collector reads.</summary>
    public ProcessOutput StandardOutput { get; }

    /// <summary>The daemon's exit code once disposed; null while it runs.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The commit of the desired state the daemon started with.</summary>
    public string InitialRevision { get; }

    /// <summary>The built daemon next to the test assembly.</summary>
    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "sprocket-reconciler.dll");

    /// <summary>The <c>dotnet</c> host that runs the tests (the SDK exports its path to test runs).</summary>
    public static string DotnetHost =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    /// <summary>
    /// Commits <paramref name="initialDesiredState"/> to a fresh repository, starts the daemon on it and waits
    /// until <c>/healthz</c> answers. <paramref name="extraArguments"/> go to .NET configuration
    /// (e.g. <c>--Reconciler:Registry:TagRecheckInterval=00:00:01</c>). A long <paramref name="pollInterval"/> leaves
    /// the Swarm event stream as the only trigger after the first poll at start. <paramref name="dockerHost"/> points
    /// the daemon at another engine of the test Swarm (e.g. a standby manager); the test environment's DOCKER_HOST otherwise.
    /// <paramref name="bareRemote"/>: the daemon reads a bare repository, as a real remote is, so a <c>writeBack: commit</c>
    /// can push to it (libgit2 pushes to bare repositories only); the test commits in a working clone and pushes, pulling
    /// first, as a human would. <paramref name="repositoryUrl"/> turns the path of the repository the daemon reads into
    /// the <c>DesiredState:Repository</c> it is given (e.g. an http URL of a git server serving it).
    /// <paramref name="environment"/> is applied last to the daemon's environment (a null value removes the variable), e.g.
    /// to drop the test logging settings below and see the shipped appsettings.json at work.
    /// </summary>
    public static async Task<DaemonProcess> StartAsync(
        string initialDesiredState, IEnumerable<string>? extraArguments = null, TimeSpan? pollInterval = null, string? dockerHost = null,
        bool bareRemote = false, Func<string, string>? repositoryUrl = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        dockerHost ??= TestEnvironment.Current.DockerHost;
        var root = Directory.CreateTempSubdirectory("sprocket-daemon-").FullName;
        var repository = await WorkRepository.InitAsync(Path.Combine(root, bareRemote ? "work" : "desired"));
        var initialRevision = await repository.CommitFileAsync(DesiredStateYaml.FileName, initialDesiredState, "initial desired state");
        string? bare = null;
        if (bareRemote)
        {
            bare = await repository.CloneBareAsync(Path.Combine(root, "desired.git"));
            await repository.RunAsync("remote", "add", "origin", bare);
            await repository.RunAsync("fetch", "--quiet", "origin");
            await repository.RunAsync("branch", "--quiet", "--set-upstream-to=origin/main", "main");
        }

        var daemonRepository = bare ?? repository.Directory;

        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            DaemonDll, "run",
            // Port 0: the kernel picks a free port and Kestrel logs it; no race with other tests for a port.
            "--urls", "http://127.0.0.1:0",
            $"--Reconciler:DesiredState:Repository={repositoryUrl?.Invoke(daemonRepository) ?? daemonRepository}",
            $"--Reconciler:DataDirectory={Path.Combine(root, "data")}",
            $"--Reconciler:DesiredState:PollInterval={(pollInterval ?? DefaultPollInterval):c}",
            // Polls of an unchanged revision make no pass; a resync as often as the poll keeps the evaluations coming that
            // the "nothing happens over N evaluations" assertions count. A later argument overrides it.
            $"--Reconciler:ResyncInterval={(pollInterval ?? DefaultPollInterval):c}",
            $"--Reconciler:Docker:Host={dockerHost}",
            .. extraArguments ?? [],
        ];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOCKER_HOST"] = dockerHost;
        start.Environment.Remove("ASPNETCORE_URLS");
        // The formatter must be named for its options to apply when the output is redirected (checked with .NET 10).
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        start.Environment["Logging__LogLevel__Quartz"] = "Warning";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        var output = new ProcessOutput();
        var standardOutput = new ProcessOutput();
        var (process, listening) = Launch(start, output, standardOutput);
        DaemonProcess? daemon = null;
        try
        {
            var address = await listening.WaitAsync(StartDeadline);
            daemon = new DaemonProcess(process, start, repository, bare, root, output, standardOutput, address, initialRevision);
            await Eventually.Until(daemon.IsHealthyAsync, StartDeadline, "the daemon's /healthz");
            return daemon;
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            var message = $"The daemon did not start: {exception.Message}\n--- daemon output ---\n{output.Tail()}";
            if (daemon is not null) await daemon.DisposeAsync();
            else
            {
                await StopAsync(process, StopDeadline);
                process.Dispose();
            }
            throw new InvalidOperationException(message, exception);
        }
    }

    /// <summary>Starts the daemon process; the task completes with its address once Kestrel logs it.</summary>
    private static (Process Process, Task<Uri> Listening) Launch(ProcessStartInfo start, ProcessOutput output, ProcessOutput standardOutput)
    {
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) standardOutput.Add(e.Data);
            OnLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the daemon exited during start-up"));
        if (!process.Start()) throw new InvalidOperationException($"could not start {DotnetHost} {DaemonDll}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, listening.Task);

        void OnLine(string? line)
        {
            if (line is null) return;
            output.Add(line);
            if (ListeningLine().Match(line) is { Success: true } match) listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
        }
    }

    /// <summary>
    /// Stops the daemon with SIGTERM (killed after <paramref name="deadline"/>, default 15 s) and returns its exit code,
    /// keeping its DataDirectory and desired-state repository for <see cref="RestartAsync"/>.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan? deadline = null)
    {
        _http.Dispose();
        ExitCode = await StopAsync(_process, deadline ?? StopDeadline);
        return ExitCode.Value;
    }

    /// <summary>Sends SIGTERM without waiting, as systemd or Swarm does; see <see cref="WaitForExitAsync"/>.</summary>
    public void SendSigterm() => Signals.Send(_process.Id, Signals.SigTerm);

    /// <summary>Waits for the daemon to exit on its own; returns its exit code, or throws <see cref="TimeoutException"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the daemon did not exit within {timeout}\n--- daemon output (tail) ---\n{Output.Tail()}");
        }

        ExitCode = _process.ExitCode;
        return ExitCode.Value;
    }

    /// <summary>
    /// Starts the daemon again after <see cref="StopAsync(TimeSpan?)"/> with the same arguments, DataDirectory and desired-state
    /// repository (on a new port), and waits until <c>/healthz</c> answers.
    /// </summary>
    public async Task RestartAsync()
    {
        if (!_process.HasExited) throw new InvalidOperationException("stop the daemon before restarting it");
        _process.Dispose();
        var (process, listening) = Launch(_start, Output, StandardOutput);
        _process = process;
        ExitCode = null;
        try
        {
            BaseAddress = await listening.WaitAsync(StartDeadline);
            _http = NewHttpClient(BaseAddress);
            await Eventually.Until(IsHealthyAsync, StartDeadline, "the restarted daemon's /healthz");
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"The daemon did not restart: {exception.Message}\n--- daemon output ---\n{Output.Tail()}", exception);
        }
    }

    private static HttpClient NewHttpClient(Uri baseAddress) => new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Commits a whole new desired-state file; returns the commit's full sha.</summary>
    public Task<string> CommitDesiredStateAsync(string yaml, string message = "update desired state") =>
        CommitFileAsync(DesiredStateYaml.FileName, yaml, message);

    /// <summary>
    /// Commits one file of the desired-state repository (any path); returns the commit's full sha. With a bare remote
    /// it pulls first (fast-forward only: a write-back commit is built upon, never overwritten) and pushes after, without force.
    /// </summary>
    public async Task<string> CommitFileAsync(string path, string content, string message)
    {
        await _commits.WaitAsync();
        try
        {
            if (_bareRemote is not null) await _repository.RunAsync("pull", "--quiet", "--ff-only", "origin", "main");
            var commit = await _repository.CommitFileAsync(path, content, message);
            if (_bareRemote is not null) await _repository.RunAsync("push", "--quiet", "origin", "main");
            return commit;
        }
        finally
        {
            _commits.Release();
        }
    }

    /// <summary>The desired-state file as the repository the daemon reads has it on <c>main</c> now.</summary>
    public Task<string> ReadDesiredStateAsync() => GitCli.RunAsync(RepositoryPath, "show", $"main:{DesiredStateYaml.FileName}");

    /// <summary><c>GET /api/v1/stacks/{name}</c>, read strictly against the contract; null on 404 (not in force yet).</summary>
    public async Task<StackView?> GetStackAsync(string name)
    {
        using var response = await _http.GetAsync($"api/v1/stacks/{Uri.EscapeDataString(name)}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<StackView>(StackView.ContractOptions)
            ?? throw new InvalidOperationException($"GET stack {name} returned null");
    }

    /// <summary><c>GET /metrics</c>, parsed.</summary>
    public async Task<MetricsScrape> GetMetricsAsync()
    {
        var text = await _http.GetStringAsync("metrics");
        return PrometheusText.Parse(text);
    }

    public async Task<HttpResponseMessage> GetAsync(string relativePath) => await _http.GetAsync(relativePath);

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => await _http.SendAsync(request);

    /// <summary>
    /// Polls the stack document until <paramref name="done"/> holds and returns it. A timeout names
    /// <paramref name="what"/>, shows the last document and the tail of the daemon's log.
    /// </summary>
    public async Task<StackView> WaitForStackAsync(string name, Func<StackView, bool> done, string what, TimeSpan? timeout = null)
    {
        try
        {
            var stack = await Eventually.UntilValue(() => GetStackAsync(name), s => s is not null && done(s), timeout ?? DefaultWait, what);
            return stack!;
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message}\n--- daemon output (tail) ---\n{Output.Tail()}", exception);
        }
    }

    /// <summary>Waits until the stack is evaluated against <paramref name="revision"/> of the desired state.</summary>
    public Task<StackView> WaitForRevisionAsync(string name, string revision, Func<StackView, bool>? also = null, string? what = null) =>
        WaitForStackAsync(
            name,
            s => s.Desired.Revision == revision && (also is null || also(s)),
            what ?? $"stack {name} at desired revision {revision}");

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        ExitCode = await StopAsync(_process, StopDeadline);
        _process.Dispose();
        _commits.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it is not.
        }
    }

    private async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited) throw new InvalidOperationException($"the daemon exited with code {_process.ExitCode}");
        try
        {
            using var response = await _http.GetAsync("healthz");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM first, as systemd or Swarm would stop it, so the host shuts down in order; then kill.</summary>
    private static async Task<int> StopAsync(Process process, TimeSpan stopDeadline)
    {
        if (process.HasExited) return process.ExitCode;
        Signals.Send(process.Id, Signals.SigTerm);
        using var deadline = new CancellationTokenSource(stopDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return process.ExitCode;
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
