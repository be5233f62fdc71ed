using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Apply.Swarm;

/// <summary>
/// A runnable image that exists only on the Basic-auth registry, under a repository of its own, and NOT in the test
/// engine's local image store — so a Swarm task must really pull it (with credentials or not). The seeded
/// 127.0.0.1:5556 images cannot serve: the environment pushed them from this engine, which therefore has them
/// locally, and Swarm skips the pull of a tag@digest reference it already holds.
/// </summary>
public static class PrivateRegistryImage
{
    /// <summary>Pushes the seeded <paramref name="tag"/> of sprocketbot/web as <c>AUTHREGISTRY/sprocketbot/<paramref name="repositoryName"/>:TAG</c>,
    /// then forgets it locally. Returns the full repository.</summary>
    public static async Task<string> PushAsync(DockerCli docker, string repositoryName, string tag)
    {
        var env = TestEnvironment.Current;
        var repository = $"{env.AuthRegistry}/sprocketbot/{repositoryName}";
        var source = env.Image(SeededImages.Web, tag);
        // A private client configuration: docker login must not touch the machine's own ~/.docker.
        var config = Directory.CreateTempSubdirectory("sprocket-docker-config-");
        try
        {
            await RunAsync(docker, config.FullName, ["login", "--username", env.AuthRegistryUser, "--password-stdin", env.AuthRegistry], env.AuthRegistryPassword);
            await RunAsync(docker, config.FullName, ["tag", source, $"{repository}:{tag}"]);
            await RunAsync(docker, config.FullName, ["push", $"{repository}:{tag}"]);
            // Untagging the repository's last tag drops its repo digest too (the image stays, held by the seeded tags):
            // Swarm then finds it under this repository no more and must pull.
            await RunAsync(docker, config.FullName, ["image", "rm", $"{repository}:{tag}"]);
            var digests = await RunAsync(docker, config.FullName, ["image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", source]);
            if (digests.Contains(repository + "@", StringComparison.Ordinal))
                throw new InvalidOperationException($"{repository} is still known locally ({digests.Trim()}): a Swarm task would not need to pull it");
            return repository;
        }
        finally
        {
            config.Delete(recursive: true);
        }
    }

    private static async Task<string> RunAsync(DockerCli docker, string configDirectory, IReadOnlyList<string> arguments, string? standardInput = null)
    {
        var command = global::CliWrap.Cli.Wrap("docker")
            .WithArguments(arguments)
            .WithEnvironmentVariables(variables => variables.Set("DOCKER_HOST", docker.DockerHost).Set("DOCKER_CONFIG", configDirectory))
            .WithValidation(CommandResultValidation.None);
        if (standardInput is not null) command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));
        var result = await command.ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new DockerCliException($"docker {string.Join(' ', arguments)}", result.ExitCode, result.StandardError);
        return result.StandardOutput;
    }
}
