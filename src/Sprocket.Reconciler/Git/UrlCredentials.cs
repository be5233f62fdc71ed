namespace Sprocket.Reconciler.Git;

/// <summary>A user name and password written into the configured URL (<c>https://user:secret@host/…</c>).</summary>
internal sealed record UrlCredentials(string UserName, string Password)
{
    /// <summary>
    /// The user ends at the first ':' of the user info (RFC 3986 §3.2.1); a raw ':' in a user name therefore moves
    /// the rest into the password, which is never shown either. Percent-escapes are decoded, so <c>%40</c> may
    /// stand for '@'; a '%' not followed by two hex digits is kept as written.
    /// </summary>
    public static UrlCredentials? FromUserInfo(string url)
    {
        if (RepositoryUrl.UserInfo(url) is not { Length: > 0 } userInfo)
            return null;
        var separator = userInfo.IndexOf(':');
        return separator < 0
            ? new UrlCredentials(Uri.UnescapeDataString(userInfo), "")
            : new UrlCredentials(Uri.UnescapeDataString(userInfo[..separator]), Uri.UnescapeDataString(userInfo[(separator + 1)..]));
    }

    /// <summary>What libgit2 sends for these credentials (the Basic header's parameter), should a message quote it.</summary>
    public string BasicParameter => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{UserName}:{Password}"));

    // A record's generated ToString would print the password.
    public override string ToString() => $"{UserName}:***";
}
