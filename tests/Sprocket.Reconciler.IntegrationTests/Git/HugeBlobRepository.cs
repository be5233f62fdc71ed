namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>
/// One repository shared by the tests of a class, because making a 300 MB blob costs seconds of a shared CPU:
/// <c>main</c> holds a valid desired-state file at <see cref="GoodRevision"/>, then <see cref="Size"/> bytes of
/// one repeated character at <see cref="HugeRevision"/>. Tests never commit to it; they clone it.
/// </summary>
public sealed class HugeBlobRepository : IAsyncLifetime
{
    public const string Path = "desired-state.yaml";
    public const long Size = 300L * 1024 * 1024;

    private readonly ScratchDirectory _scratch = new();

    public static string GoodState { get; } = DesiredStateYaml.Render(
        new DesiredStack("web", "git-aaa1111", new DesiredService("127.0.0.1:5555/sprocketbot/web", "prod-web*")));

    public string Directory { get; private set; } = "";

    public string GoodRevision { get; private set; } = "";

    public string HugeRevision { get; private set; } = "";

    public string HugeBlobId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var work = await WorkRepository.InitAsync(_scratch.Combine("work"));
        Directory = work.Directory;
        GoodRevision = await work.CommitFileAsync(Path, GoodState);
        HugeRevision = await work.CommitRepeatedByteFileAsync(Path, (byte)'a', Size);
        HugeBlobId = await work.RunAsync("rev-parse", $"{HugeRevision}:{Path}");
    }

    /// <summary>A bare copy (hard links, instant) whose <c>main</c> is at <paramref name="revision"/>.</summary>
    public async Task<string> CloneAtAsync(string bareDirectory, string revision)
    {
        await GitCli.RunAsync(System.IO.Path.GetDirectoryName(bareDirectory)!, "clone", "--quiet", "--bare", Directory, bareDirectory);
        await MoveMainAsync(bareDirectory, revision);
        return bareDirectory;
    }

    public static Task MoveMainAsync(string bareDirectory, string revision) =>
        GitCli.RunAsync(bareDirectory, "update-ref", "refs/heads/main", revision);

    public Task DisposeAsync()
    {
        _scratch.Dispose();
        return Task.CompletedTask;
    }
}
