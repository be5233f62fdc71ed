namespace Sprocket.Reconciler.Git;

/// <summary>
/// <c>Reconciler:GitHub:Token</c>, offered as the https password (user <c>x-access-token</c>, as GitHub expects
/// for installation and fine-grained tokens) whenever the desired-state remote asks for credentials.
/// Never logged and scrubbed from every message this folder produces.
/// </summary>
public sealed class GitHubCredentialOptions
{
    public const string SectionName = "Reconciler:GitHub";

    public string? Token { get; set; }
}
