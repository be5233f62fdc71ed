using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

// The namespace is ImageBuild, not Image: a namespace Image would shadow members named Image in the other test namespaces.
namespace Sprocket.Reconciler.IntegrationTests.ImageBuild;

/// <summary>The agent's image as <see cref="ReconcilerImage.EnsureBuiltAsync"/> left it in the test engine and the open registry.</summary>
/// <param name="Reference"><c>127.0.0.1:5555/sprocketbot/sprocket-reconciler:test-&lt;content hash&gt;</c>, pushed: any node can pull it.</param>
/// <param name="SizeBytes">The image's size as <c>docker image inspect</c> reports it (all layers, uncompressed).</param>
/// <param name="BuildTime">How long <c>docker build</c> took in this test run; null when an image of the same content was already there.</param>
/// <param name="BuildOutput">The tail of <c>docker build</c>'s output (empty when reused).</param>
public sealed record BuiltImage(string Reference, long SizeBytes, TimeSpan? BuildTime, string BuildOutput)
{
    public string SizeText => string.Create(CultureInfo.InvariantCulture, $"{SizeBytes / 1e6:0.0} MB");
}

/// <summary>
/// Builds the agent's image from the working tree's Dockerfile, once per test run, the way the README tells a user to,
/// except for the base images: the test machines reach no outside registry, so tests/env/images.sh makes local
/// equivalents (<see cref="LocalSdkImage"/>, <see cref="LocalRuntimeImage"/>) and they go in as build arguments. The test
/// engine has no bridge network (dockerd --bridge=none), so the build's RUN steps use the host's (<c>--network host</c>)
/// to reach NuGet. The tag carries a hash of the build context and of the base images' ids, so a later run with the same
/// sources and bases reuses the image, and a new base image (tests/env/images.sh made it again) builds anew.
/// After a build it removes what builds leave in the engine: the untagged build stage (~1.3 GB each, labelled
/// <c>org.sprocket.stage=build</c> by the Dockerfile) and <c>test-</c> tags of <see cref="Repository"/> over an hour old. The
/// registry keeps its tags: it lives as long as the test environment, and deleting there needs its delete API enabled.
/// </summary>
public static class ReconcilerImage
{
    public const string LocalSdkImage = "sprocket-local/dotnet-sdk:10.0";
    public const string LocalRuntimeImage = "sprocket-local/dotnet-runtime:10.0";
    public const string Repository = "sprocketbot/sprocket-reconciler";
    /// <summary>The Dockerfile's label on its build stage.</summary>
    public const string BuildStageLabel = "org.sprocket.stage=build";
    private const string TagPrefix = "test-";
    private static readonly TimeSpan TagsKeptFor = TimeSpan.FromHours(1);

    private static readonly TimeSpan BaseImagesDeadline = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan BuildDeadline = TimeSpan.FromMinutes(20);
    private static readonly Lazy<Task<BuiltImage>> Once = new(BuildAsync);

    /// <summary>The repository root: where the Dockerfile is.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Builds (first call of the test run), tags and pushes the image; later calls get the same result.</summary>
    public static Task<BuiltImage> EnsureBuiltAsync() => Once.Value;

    /// <summary>The <c>docker build</c> arguments, as README's image paragraph and tests/env/images.sh give them.</summary>
    public static IReadOnlyList<string> BuildArguments(string tag) =>
    [
        "build", "--network", "host",
        "--build-arg", $"SDK_IMAGE={LocalSdkImage}",
        "--build-arg", $"RUNTIME_IMAGE={LocalRuntimeImage}",
        "-t", tag, RepositoryRoot,
    ];

    private static async Task<BuiltImage> BuildAsync()
    {
        var environment = TestEnvironment.Current;
        var docker = new DockerCli(environment.DockerHost);
        await EnsureBaseImagesAsync(environment.DockerHost);

        var baseImageIds = await docker.RunAsync("image", "inspect", "--format", "{{.Id}}", LocalSdkImage, LocalRuntimeImage);
        var reference = $"{environment.Registry}/{Repository}:{TagPrefix}{ContextHash(baseImageIds)}";
        TimeSpan? buildTime = null;
        var buildOutput = "";
        if (!await ExistsAsync(docker, reference))
        {
            var started = DateTimeOffset.UtcNow;
            var stopwatch = Stopwatch.StartNew();
            buildOutput = await RunDockerAsync(environment.DockerHost, BuildArguments(reference), BuildDeadline);
            buildTime = stopwatch.Elapsed;
            await RemoveLeftoversAsync(docker, reference, started);
        }

        await docker.RunAsync("push", "--quiet", reference);
        var size = long.Parse(
            (await docker.RunAsync("image", "inspect", "--format", "{{.Size}}", reference)).Trim(), CultureInfo.InvariantCulture);
        return new BuiltImage(reference, size, buildTime, buildOutput);
    }

    /// <summary>
    /// Removes the build stages that builds left untagged (made before <paramref name="buildStarted"/>, so a build
    /// running beside this one in another checkout keeps its own) and the <c>test-</c> tags older than
    /// <see cref="TagsKeptFor"/>: a test run in another checkout may still use a recent one (its layers are shared, so a
    /// kept tag costs only its 17 MB application layer). A tag whose image a container still runs stays (docker refuses).
    /// </summary>
    private static async Task RemoveLeftoversAsync(DockerCli docker, string reference, DateTimeOffset buildStarted)
    {
        var before = buildStarted.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await docker.RunAsync("image", "prune", "--force", "--filter", $"label={BuildStageLabel}", "--filter", $"until={before}");
        var repository = reference[..reference.LastIndexOf(':')];
        var listed = await docker.RunAsync("image", "ls", "--format", "{{.Tag}}", repository);
        foreach (var tag in listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsOurTag(tag) || $"{repository}:{tag}" == reference) continue;
            var created = await docker.RunAsync("image", "inspect", "--format", "{{.Created}}", $"{repository}:{tag}");
            if (DateTimeOffset.Parse(created.Trim(), CultureInfo.InvariantCulture) >= buildStarted - TagsKeptFor) continue;
            try
            {
                await docker.RunAsync("image", "rm", $"{repository}:{tag}");
            }
            catch (DockerCliException)
            {
                // In use by a container: it goes with a later build.
            }
        }
    }

    /// <summary><c>test-</c> and the 12 hex digits of <see cref="ContextHash"/>: the tags this helper makes, not ones derived from them.</summary>
    private static bool IsOurTag(string tag) =>
        tag.Length == TagPrefix.Length + 12 && tag.StartsWith(TagPrefix, StringComparison.Ordinal) && tag[TagPrefix.Length..].All(char.IsAsciiHexDigitLower);

    /// <summary>tests/env/images.sh is idempotent and returns at once when both images are there.</summary>
    private static async Task EnsureBaseImagesAsync(string dockerHost)
    {
        using var deadline = new CancellationTokenSource(BaseImagesDeadline);
        var result = await global::CliWrap.Cli.Wrap("bash")
            .WithArguments([Path.Combine(RepositoryRoot, "tests", "env", "images.sh")])
            .WithEnvironmentVariables(variables => variables.Set("DOCKER_HOST", dockerHost))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(deadline.Token);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"tests/env/images.sh failed (exit {result.ExitCode}):\n{result.StandardError}");
        }
    }

    private static async Task<bool> ExistsAsync(DockerCli docker, string reference)
    {
        try
        {
            await docker.RunAsync("image", "inspect", "--format", "{{.Id}}", reference);
            return true;
        }
        catch (DockerCliException)
        {
            return false;
        }
    }

    /// <summary>Runs docker with a deadline; returns the tail of stdout and stderr together, or throws with it.</summary>
    private static async Task<string> RunDockerAsync(string dockerHost, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var output = new StringBuilder();
        using var deadline = new CancellationTokenSource(timeout);
        var result = await global::CliWrap.Cli.Wrap("docker")
            .WithArguments(arguments)
            .WithEnvironmentVariables(variables => variables.Set("DOCKER_HOST", dockerHost))
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(deadline.Token);
        var tail = Tail(output.ToString(), 60);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed (exit {result.ExitCode}):\n{tail}");
        }

        return tail;
    }

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>
    /// A hash of what the build reads (the Dockerfile, .dockerignore, global.json, Directory.*.props and src/ without bin/
    /// and obj/) and of the base images it builds from (their ids): same sources on the same bases, same tag.
    /// </summary>
    private static string ContextHash(string baseImageIds)
    {
        var root = RepositoryRoot;
        var files = new List<string>
        {
            Path.Combine(root, "Dockerfile"), Path.Combine(root, ".dockerignore"), Path.Combine(root, "global.json"),
            Path.Combine(root, "Directory.Build.props"), Path.Combine(root, "Directory.Packages.props"),
        };
        files.AddRange(Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories)
            .Where(path => !Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(baseImageIds.Trim() + "\n"));
        foreach (var file in files.Where(File.Exists).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sprocket.Reconciler.sln"))) return folder.FullName;
        }

        throw new InvalidOperationException($"No Sprocket.Reconciler.sln above {AppContext.BaseDirectory}");
    }
}
