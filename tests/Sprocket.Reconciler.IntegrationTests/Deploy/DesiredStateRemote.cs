using Sprocket.Reconciler.IntegrationTests.Git;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// The desired-state repository as a containerised agent meets it: a bare repository served over git's smart HTTP on
/// the host's loopback, accepting only the token (GitHub's <c>x-access-token</c> scheme) that the agent finds in its
/// Docker secret. The test commits in a working clone and pushes, as a human would; the agent's write-back pushes there too.
/// </summary>
internal sealed class DesiredStateRemote : IAsyncDisposable
{
    private const string BareName = "desired.git";

    private readonly ScratchDirectory _scratch;
    private readonly WorkRepository _work;
    private readonly GitHttpBackendServer _server;
    private readonly SemaphoreSlim _commits = new(1, 1);

    private DesiredStateRemote(ScratchDirectory scratch, WorkRepository work, GitHttpBackendServer server)
    {
        _scratch = scratch;
        _work = work;
        _server = server;
    }

    /// <summary>What the agent's <c>DesiredState:Repository</c> names: <c>http://127.0.0.1:PORT/desired.git</c>.</summary>
    public string Url => new Uri(_server.BaseAddress, BareName).ToString();

    public string BarePath => _scratch.Combine("served", BareName);

    /// <summary>Requests the server answered with the right token: more than zero once the agent fetched.</summary>
    public int ServedRequests => _server.ServedRequests;

    /// <summary>Makes the repository with <paramref name="initialYaml"/> as its first commit and starts serving it.</summary>
    public static async Task<(DesiredStateRemote Remote, string Initial)> StartAsync(string token, string initialYaml)
    {
        var scratch = new ScratchDirectory();
        var work = await WorkRepository.InitAsync(scratch.Combine("work"));
        var initial = await work.CommitFileAsync(DesiredStateYaml.FileName, initialYaml, "initial desired state");
        Directory.CreateDirectory(scratch.Combine("served"));
        var bare = await work.CloneBareAsync(scratch.Combine("served", BareName));
        await work.RunAsync("remote", "add", "origin", bare);
        await work.RunAsync("fetch", "--quiet", "origin");
        await work.RunAsync("branch", "--quiet", "--set-upstream-to=origin/main", "main");
        var server = await GitHttpBackendServer.StartAsync(scratch.Combine("served"), token);
        return (new DesiredStateRemote(scratch, work, server), initial);
    }

    /// <summary>Pulls (fast-forward only: a write-back commit is built upon), commits the whole file, pushes; returns the commit.</summary>
    public async Task<string> CommitAsync(string yaml, string message)
    {
        await _commits.WaitAsync();
        try
        {
            await _work.RunAsync("pull", "--quiet", "--ff-only", "origin", "main");
            var commit = await _work.CommitFileAsync(DesiredStateYaml.FileName, yaml, message);
            await _work.RunAsync("push", "--quiet", "origin", "main");
            return commit;
        }
        finally
        {
            _commits.Release();
        }
    }

    /// <summary>git in the served bare repository (what the agent pushed shows here).</summary>
    public Task<string> GitAsync(params string[] arguments) => GitCli.RunAsync(BarePath, arguments);

    /// <summary>Whether <paramref name="revision"/> is a commit of this repository (the test's, or the agent's write-back).</summary>
    public async Task<bool> HasCommitAsync(string revision) =>
        (await GitAsync("rev-list", "--all")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Contains(revision, StringComparer.Ordinal);

    /// <summary>Commits on <c>main</c> after <paramref name="revision"/>, oldest first.</summary>
    public async Task<IReadOnlyList<string>> CommitsAfterAsync(string revision) =>
        (await GitAsync("rev-list", "--reverse", "--first-parent", $"{revision}..main")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _commits.Dispose();
        _scratch.Dispose();
    }
}
