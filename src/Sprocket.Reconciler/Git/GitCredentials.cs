using LibGit2Sharp;
using LibGit2Sharp.Handlers;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// The credentials for ONE libgit2 operation (an ls-remote or a fetch: one connection). They are offered once;
/// when the server asks again it has refused them, and we stop there rather than let libgit2 replay them
/// fifteen times, which GitHub answers by throttling the token.
/// </summary>
internal sealed class GitCredentials
{
    /// <summary>GitHub accepts any token as the password of this user name over https.</summary>
    public const string GitHubTokenUserName = "x-access-token";

    private readonly string? userName;
    private readonly string? password;
    private int offers;

    private GitCredentials(string? userName, string? password, string origin)
    {
        this.userName = userName;
        this.password = password;
        Origin = origin;
    }

    /// <summary>
    /// Credentials written into the URL win (the operator named them for this very repository); otherwise the
    /// GitHub token.
    /// </summary>
    public static GitCredentials For(FetchRequest request) => request.Location.UrlCredentials is { } fromUrl
        ? new GitCredentials(fromUrl.UserName, fromUrl.Password, "the credentials in the repository URL")
        : new GitCredentials(string.IsNullOrEmpty(request.Token) ? null : GitHubTokenUserName, request.Token, "Reconciler:GitHub:Token");

    /// <summary>Where the credentials came from, for messages (never the credentials themselves).</summary>
    public string Origin { get; }

    public bool AreConfigured => userName is not null;

    /// <summary>True once the server asked a second time, i.e. it refused what we offered.</summary>
    public bool WereRefused => Volatile.Read(ref offers) > 1;

    /// <summary>
    /// Null without credentials, so that libgit2 reports "authentication required" instead of us answering a
    /// challenge with empty ones.
    /// </summary>
    public CredentialsHandler? Handler => AreConfigured ? Offer : null;

    private Credentials Offer(string url, string usernameFromUrl, SupportedCredentialTypes types) =>
        Interlocked.Increment(ref offers) == 1
            ? new UsernamePasswordCredentials { Username = userName, Password = password }
            : new DeclinedCredentials();

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
