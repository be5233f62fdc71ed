using LibGit2Sharp;
using LibGit2Sharp.Handlers;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// The credentials for ONE libgit2 operation (an ls-remote or a fetch: one connection). They are offered once;
/// when the server asks again it has refused them, and we stop there rather than let libgit2 replay them
/// fifteen times, which GitHub answers by throttling the token. They are offered only within their
/// <see cref="CredentialScope"/> — libgit2 asks whatever server answers 401, including one it was redirected to.
/// </summary>
internal sealed class GitCredentials
{
    /// <summary>GitHub accepts any token as the password of this user name over https.</summary>
    public const string GitHubTokenUserName = "x-access-token";

    private readonly string? _userName;
    private readonly string? _password;
    private readonly string _scope;
    private int _offers;
    private int _withheld;

    private GitCredentials(string? userName, string? password, string origin, string scope)
    {
        _userName = userName;
        _password = password;
        _scope = scope;
        Origin = origin;
    }

    /// <summary>
    /// Credentials written into the URL win (the operator named them for this very repository); otherwise the
    /// GitHub token, which the caller passes only for a repository on the desired-state repository's origin.
    /// Either is scoped to the origin of the repository's URL.
    /// </summary>
    public static GitCredentials For(FetchRequest request) => request.Location.UrlCredentials is { } fromUrl
        ? new GitCredentials(fromUrl.UserName, fromUrl.Password, "the credentials in the repository URL", request.Location.Url)
        : new GitCredentials(string.IsNullOrEmpty(request.Token) ? null : GitHubTokenUserName, request.Token, "Reconciler:GitHub:Token", request.Location.Url);

    /// <summary>Where the credentials came from, for messages (never the credentials themselves).</summary>
    public string Origin { get; }

    public bool AreConfigured => _userName is not null;

    /// <summary>True once the server asked a second time, i.e. it refused what we offered.</summary>
    public bool WereRefused => Volatile.Read(ref _offers) > 1;

    /// <summary>True when a server outside the scope (or plain http) asked, and was given nothing.</summary>
    public bool WereWithheld => Volatile.Read(ref _withheld) > 0;

    /// <summary>Why nothing was offered, for messages once <see cref="WereWithheld"/>.</summary>
    public string WithheldReason =>
        $"{Origin} is offered only over https (or http to a loopback host) to {CredentialScope.Describe(_scope) ?? "the repository's own host"}, nowhere else";

    /// <summary>
    /// Null without credentials, so that libgit2 reports "authentication required" instead of us answering a
    /// challenge with empty ones.
    /// </summary>
    public CredentialsHandler? Handler => AreConfigured ? Offer : null;

    private Credentials Offer(string url, string usernameFromUrl, SupportedCredentialTypes types)
    {
        if (!CredentialScope.Allows(_scope, url))
        {
            Interlocked.Exchange(ref _withheld, 1);
            return new DeclinedCredentials();
        }
        return Interlocked.Increment(ref _offers) == 1
            ? new UsernamePasswordCredentials { Username = _userName, Password = _password }
            : new DeclinedCredentials();
    }

    /// <summary>Makes libgit2 abandon the operation instead of replaying refused credentials.</summary>
    private sealed class DeclinedCredentials : Credentials
    {
        private const int GitErrorUser = -7; // GIT_EUSER: "a user callback refused to continue"

        protected override int GitCredentialHandler(out IntPtr cred)
        {
            cred = IntPtr.Zero;
            return GitErrorUser;
        }
    }
}
