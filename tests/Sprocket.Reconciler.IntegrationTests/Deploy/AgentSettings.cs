using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Sprocket.Reconciler.IntegrationTests.Deploy;

/// <summary>
/// The two JSON files of README "Deploying": settings (a Docker config, 10-settings.json) and secrets (a Docker secret,
/// 20-secrets.json). The tokens are fresh random strings each run, so a test can look for them in the agent's logs.
/// </summary>
internal sealed record AgentSettings(string RepositoryUrl)
{
    /// <summary>The bearer token of the write API (<c>Reconciler:Api:Token</c>).</summary>
    public string ApiToken { get; } = "api-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The token the git server accepts (<c>Reconciler:GitHub:Token</c>, sent as GitHub's x-access-token).</summary>
    public string GitToken { get; } = "git-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Short intervals so a story takes seconds: a commit is seen within a second, the leader checked every second.</summary>
    public string SettingsJson() => new JsonObject
    {
        ["Reconciler"] = new JsonObject
        {
            ["DesiredState"] = new JsonObject { ["Repository"] = RepositoryUrl, ["PollInterval"] = "00:00:01" },
            ["ResyncInterval"] = "00:00:02",
            ["Docker"] = new JsonObject { ["LeaderCheckInterval"] = "00:00:01" },
            ["Swarm"] = new JsonObject { ["ConvergenceTimeout"] = "00:01:00" },
            // The token is for git here; the test Swarm has no GitHub to send commit statuses to.
            ["GitHub"] = new JsonObject { ["Notify"] = false },
        },
    }.ToJsonString();

    public string SecretsJson() => new JsonObject
    {
        ["Reconciler"] = new JsonObject
        {
            ["GitHub"] = new JsonObject { ["Token"] = GitToken },
            ["Api"] = new JsonObject { ["Token"] = ApiToken },
        },
    }.ToJsonString();
}
