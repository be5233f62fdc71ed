namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// <c>Reconciler:GitHub:ApiUrl</c>: the REST API root for <c>writeBack: pull-request</c>. Bound from the same
/// section as <see cref="Git.GitHubOptions"/> (whose <c>Token</c> authenticates the calls). Unset: api.github.com
/// for a github.com repository, <c>https://&lt;host&gt;/api/v3/</c> (GitHub Enterprise Server) otherwise.
/// </summary>
public sealed class GitHubApiOptions
{
    public const string SectionName = "Reconciler:GitHub";

    public string? ApiUrl { get; set; }
}
