namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

/// <summary>
/// One test's share of the shared Swarm: a unique service-name prefix, and removal on dispose of
/// every service whose name starts with it — also those the code under test created.
/// </summary>
/// <example>
/// <code>
/// await using var scope = SwarmServiceScope.Create();
/// var web = await scope.CreateServiceAsync("prod-sprocket-web-service-1a2b3c4", env.Image(SeededImages.Web, SeededImages.GitAaa));
/// </code>
/// </example>
public sealed class SwarmServiceScope : IAsyncDisposable
{
    private readonly HashSet<string> _created = [];

    private SwarmServiceScope(DockerCli docker, string prefix)
    {
        Docker = docker;
        Prefix = prefix;
    }

    /// <summary>A scope on the test environment's engine with a fresh prefix like <c>t3f9a0c1d-</c>.</summary>
    public static SwarmServiceScope Create() => Create(DockerCli.ForTestEnvironment());

    public static SwarmServiceScope Create(DockerCli docker) =>
        // Starts with a letter and stays short: Swarm names are at most 63 characters.
        new(docker, $"t{Guid.NewGuid():N}"[..9] + "-");

    public DockerCli Docker { get; }

    /// <summary>Every service of this test is named <c>Prefix + name</c>; match globs as <c>Prefix + "…*"</c>.</summary>
    public string Prefix { get; }

    public string NameFor(string name) => Prefix + name;

    /// <summary>Creates <c>Prefix + name</c> (detached) and returns the full service name.</summary>
    public async Task<string> CreateServiceAsync(
        string name, string image, IEnumerable<string>? extraArguments = null, CancellationToken cancellationToken = default)
    {
        var fullName = NameFor(name);
        _created.Add(fullName);
        await Docker.CreateServiceAsync(fullName, image, extraArguments, cancellationToken);
        return fullName;
    }

    public async ValueTask DisposeAsync()
    {
        var names = new HashSet<string>(_created);
        names.UnionWith(await Docker.ListServiceNamesAsync(Prefix));
        var failures = new List<Exception>();
        foreach (var name in names)
        {
            try
            {
                await Docker.RemoveServiceAsync(name);
            }
            catch (DockerCliException exception) when (exception.StandardError.Contains("not found", StringComparison.OrdinalIgnoreCase))
            {
                // Already gone: the test removed it itself.
            }
            catch (DockerCliException exception)
            {
                failures.Add(exception);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"Could not remove the services of scope {Prefix}", failures);
        }
    }
}
