namespace Sprocket.Reconciler.IntegrationTests.Git;

/// <summary>A non-bare repository made with the git CLI, where tests commit the desired-state file.</summary>
internal sealed class WorkRepository
{
    private WorkRepository(string directory) => Directory = directory;

    public string Directory { get; }

    public static async Task<WorkRepository> InitAsync(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        await GitCli.RunAsync(directory, "init", "--quiet", "--initial-branch=main");
        return new WorkRepository(directory);
    }

    /// <summary>Commits the file on the current branch and returns the new commit's full id.</summary>
    public async Task<string> CommitFileAsync(string path, string content, string message = "update desired state")
    {
        var fullPath = Path.Combine(Directory, path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        await File.WriteAllTextAsync(fullPath, content);
        await RunAsync("add", "--all");
        await RunAsync("commit", "--quiet", "-m", message);
        return await RunAsync("rev-parse", "HEAD");
    }

    public Task<string> RunAsync(params string[] arguments) => GitCli.RunAsync(Directory, arguments);

    /// <summary>A bare copy of this repository, the shape a real remote has.</summary>
    public async Task<string> CloneBareAsync(string bareDirectory)
    {
        await GitCli.RunAsync(Path.GetDirectoryName(bareDirectory)!, "clone", "--quiet", "--bare", Directory, bareDirectory);
        return bareDirectory;
    }
}
