namespace Sprocket.Reconciler.Git;

/// <summary>A user name and password written into the configured URL (<c>https://user:secret@host/…</c>).</summary>
internal sealed record UrlCredentials(string UserName, string Password)
{
    public static UrlCredentials? FromUserInfo(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0)
            return null;
        var separator = uri.UserInfo.IndexOf(':');
        return separator < 0
            ? new UrlCredentials(Uri.UnescapeDataString(uri.UserInfo), "")
            : new UrlCredentials(Uri.UnescapeDataString(uri.UserInfo[..separator]), Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]));
    }

    // A record's generated ToString would print the password.
    public override string ToString() => $"{UserName}:***";
}
