using LibGit2Sharp;
using LibGit2Sharp.Handlers;

namespace Sprocket.Reconciler.Git;

internal static class GitCredentials
{
    /// <summary>GitHub accepts any token as the password of this user name over https.</summary>
    public const string GitHubTokenUserName = "x-access-token";

    /// <summary>
    /// Null without a token, so that libgit2 reports "authentication required" instead of us answering a
    /// challenge with empty credentials.
    /// </summary>
    public static CredentialsHandler? ForToken(string? token) =>
        string.IsNullOrEmpty(token)
            ? null
            : (_, _, _) => new UsernamePasswordCredentials { Username = GitHubTokenUserName, Password = token };
}
