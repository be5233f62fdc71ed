namespace Sprocket.Reconciler.IntegrationTests.TestEnv;

/// <summary>The addresses and credentials of the running test environment.</summary>
/// <param name="DockerHost">The engine endpoint, e.g. <c>unix:///tmp/sprocket-env/docker.sock</c>.</param>
/// <param name="Registry">The open loopback registry, <c>127.0.0.1:5555</c>.</param>
/// <param name="AuthRegistry">The Basic-auth loopback registry, <c>127.0.0.1:5556</c>.</param>
public sealed record TestEnvironmentSettings(
    string DockerHost,
    string Registry,
    string AuthRegistry,
    string AuthRegistryUser,
    string AuthRegistryPassword)
{
    /// <summary><c>127.0.0.1:5555/sprocketbot/web:git-aaa1111</c> for ("sprocketbot/web", "git-aaa1111").</summary>
    public string Image(string repository, string tag) => $"{Registry}/{repository}:{tag}";

    /// <summary>The same image reference on the Basic-auth registry.</summary>
    public string AuthImage(string repository, string tag) => $"{AuthRegistry}/{repository}:{tag}";

    public Uri DockerEndpoint => new(DockerHost);

    // Records print every member; the password must never reach a test log.
    public override string ToString() =>
        $"TestEnvironmentSettings {{ DockerHost = {DockerHost}, Registry = {Registry}, " +
        $"AuthRegistry = {AuthRegistry}, AuthRegistryUser = {AuthRegistryUser}, AuthRegistryPassword = *** }}";
}
