using LibGit2Sharp;
using LibGit2Sharp.Handlers;

namespace Sprocket.Reconciler.Git;

internal static class GitCredentials
{
    /// <summary>GitHub accepts any token as the password of this user name over https.</summary>
    public const string GitHubTokenUserName = "x-access-token";

    /// <summary>
    /// Credentials written into the URL win (the operator named them for this very repository); otherwise the
    /// GitHub token. Null when there are neither, so that libgit2 reports "authentication required" instead of
    /// us answering a challenge with empty credentials.
    /// </summary>
    public static CredentialsHandler? For(FetchRequest request)
    {
        if (request.Location.UrlCredentials is { } fromUrl)
            return (_, _, _) => new UsernamePasswordCredentials { Username = fromUrl.UserName, Password = fromUrl.Password };
        if (!string.IsNullOrEmpty(request.Token))
        {
            var token = request.Token;
            return (_, _, _) => new UsernamePasswordCredentials { Username = GitHubTokenUserName, Password = token };
        }
        return null;
    }
}
