namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

// The namespace is TestEnv, not Environment: a namespace named Environment would hide
// System.Environment in every test namespace under Sprocket.Reconciler.IntegrationTests.

/// <summary>
/// Where the real test environment (tests/env/swarm.sh) lives, read once from the variables
/// `swarm.sh env` exports. Tests that need Swarm or the registries start here.
/// </summary>
public static class TestEnvironment
{
    public const string SetupHint =
        "Start the test environment and export its variables: tests/env/swarm.sh up && " +
        "eval \"$(tests/env/swarm.sh env)\" — or run everything through tests/run.sh.";

    private static readonly Lazy<TestEnvironmentSettings> LoadedOnce =
        new(() => Load(System.Environment.GetEnvironmentVariable));

    /// <summary>The settings of this process; throws with <see cref="SetupHint"/> when unset.</summary>
    public static TestEnvironmentSettings Current => LoadedOnce.Value;

    public static TestEnvironmentSettings Load(Func<string, string?> readVariable)
    {
        ArgumentNullException.ThrowIfNull(readVariable);
        string[] names =
        [
            "DOCKER_HOST", "SPROCKET_TEST_REGISTRY", "SPROCKET_TEST_AUTH_REGISTRY",
            "SPROCKET_TEST_AUTH_REGISTRY_USER", "SPROCKET_TEST_AUTH_REGISTRY_PASSWORD",
        ];
        var values = names.ToDictionary(name => name, name => readVariable(name));
        var missing = values.Where(pair => string.IsNullOrWhiteSpace(pair.Value)).Select(pair => pair.Key).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The integration test environment is not configured (missing {string.Join(", ", missing)}). {SetupHint}");
        }

        return new TestEnvironmentSettings(
            DockerHost: values["DOCKER_HOST"]!,
            Registry: values["SPROCKET_TEST_REGISTRY"]!,
            AuthRegistry: values["SPROCKET_TEST_AUTH_REGISTRY"]!,
            AuthRegistryUser: values["SPROCKET_TEST_AUTH_REGISTRY_USER"]!,
            AuthRegistryPassword: values["SPROCKET_TEST_AUTH_REGISTRY_PASSWORD"]!);
    }
}
