namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

public sealed class TestEnvironmentTests
{
    private static readonly Dictionary<string, string> Complete = new()
    {
        ["DOCKER_HOST"] = "unix:///tmp/sprocket-env/docker.sock",
        ["SPROCKET_TEST_REGISTRY"] = "127.0.0.1:5555",
        ["SPROCKET_TEST_AUTH_REGISTRY"] = "127.0.0.1:5556",
        ["SPROCKET_TEST_AUTH_REGISTRY_USER"] = "sprocket",
        ["SPROCKET_TEST_AUTH_REGISTRY_PASSWORD"] = "s3cret-value",
    };

    [Fact]
    public void MissingVariablesFailWithHowToStartTheEnvironment()
    {
        var partial = new Dictionary<string, string>(Complete);
        partial.Remove("SPROCKET_TEST_AUTH_REGISTRY_PASSWORD");
        partial.Remove("DOCKER_HOST");

        var error = Assert.Throws<InvalidOperationException>(() => TestEnvironment.Load(partial.GetValueOrDefault));

        Assert.Contains("DOCKER_HOST", error.Message, StringComparison.Ordinal);
        Assert.Contains("SPROCKET_TEST_AUTH_REGISTRY_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.Contains("eval \"$(tests/env/swarm.sh env)\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("tests/run.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompleteVariablesGiveImageReferencesAndHideThePassword()
    {
        var settings = TestEnvironment.Load(Complete.GetValueOrDefault);

        Assert.Equal("127.0.0.1:5555/sprocketbot/web:git-aaa1111", settings.Image(SeededImages.Web, SeededImages.GitAaa));
        Assert.Equal("127.0.0.1:5556/sprocketbot/worker:master", settings.AuthImage(SeededImages.Worker, SeededImages.Master));
        Assert.Equal("s3cret-value", settings.AuthRegistryPassword);
        Assert.DoesNotContain("s3cret-value", settings.ToString(), StringComparison.Ordinal);
    }
}
