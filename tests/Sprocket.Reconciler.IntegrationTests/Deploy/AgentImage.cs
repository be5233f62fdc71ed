using CliWrap;
using CliWrap.Buffered;
using Sprocket.Reconciler.IntegrationTests.ImageBuild;
using Sprocket.Reconciler.IntegrationTests.TestEnv;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// The image the deploy tests run: the working tree's, built once per test run by <see cref="ReconcilerImage"/>, or an
/// image already in the open registry named by <c>SPROCKET_TEST_AGENT_IMAGE</c> (e.g. a release candidate).
/// </summary>
internal static class AgentImage
{
    public const string Variable = "SPROCKET_TEST_AGENT_IMAGE";

    private static readonly Lazy<Task<string>> Upgrade = new(BuildUpgradeAsync);

    public static async Task<string> ReferenceAsync() =>
        System.Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given
            ? given
            : (await ReconcilerImage.EnsureBuiltAsync()).Reference;

    /// <summary>
    /// A second image to upgrade to: the same content under another tag with one more label (a build with no RUN step,
    /// so it takes a second), pushed to the open registry: <c>…:&lt;tag&gt;-upgrade</c>.
    /// </summary>
    public static Task<string> UpgradeReferenceAsync() => Upgrade.Value;

    private static async Task<string> BuildUpgradeAsync()
    {
        var image = await ReferenceAsync();
        var upgrade = image + "-upgrade";
        var environment = TestEnvironment.Current;
        var dockerfile = $"FROM {image}\nLABEL org.opencontainers.image.version=\"upgrade\"\n";
        await DockerCommand.RunAsync(environment.DockerHost, ["build", "--quiet", "-t", upgrade, "-"], input: PipeSource.FromString(dockerfile));
        await DockerCommand.RunAsync(environment.DockerHost, ["push", "--quiet", upgrade]);
        return upgrade;
    }

    /// <summary>The group id owning the engine's socket: the group a non-root agent needs (<c>stat -c %g</c>).</summary>
    public static async Task<string> SocketGroupAsync(string socketPath)
    {
        var result = await global::CliWrap.Cli.Wrap("stat").WithArguments(["-c", "%g", socketPath]).ExecuteBufferedAsync();
        return result.StandardOutput.Trim();
    }
}
