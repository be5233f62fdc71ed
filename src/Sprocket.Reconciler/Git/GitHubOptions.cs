namespace Sprocket.Reconciler.Git;

/// <summary>
/// <c>Reconciler:GitHub</c>. <c>Token</c> is offered as the https password (user <c>x-access-token</c>, as GitHub expects
/// for installation and fine-grained tokens) when a server on the desired-state repository's origin asks for
/// credentials, and to no other (<see cref="CredentialScope"/>). Never logged and scrubbed from every message this folder produces.
/// </summary>
public sealed class GitHubOptions
{
    public const string SectionName = "Reconciler:GitHub";

    public string? Token { get; set; }

    /// <summary>The shared secret of the push webhook; <c>X-Hub-Signature-256</c> is checked against it.
    /// Without it the webhook endpoint refuses every delivery.</summary>
    public string? WebhookSecret { get; set; }
}
