using CliWrap;

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

    /// <summary>
    /// Commits a file of <paramref name="length"/> copies of one byte without it ever being in memory or on disk
    /// whole: git hash-object reads it from a pipe, and it compresses to about a thousandth of its size.
    /// Returns the commit id. The working tree does not get the file.
    /// </summary>
    public async Task<string> CommitRepeatedByteFileAsync(string path, byte value, long length, string message = "a huge file")
    {
        var input = PipeSource.Create(async (destination, cancellationToken) =>
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, value);
            for (var left = length; left > 0; left -= chunk.Length)
                await destination.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)), cancellationToken);
        });
        var blob = await GitCli.RunAsync(Directory, input, "hash-object", "-w", "--stdin");
        await RunAsync("update-index", "--add", "--cacheinfo", $"100644,{blob},{path}");
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
