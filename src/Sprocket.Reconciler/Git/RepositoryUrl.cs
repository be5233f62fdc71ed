namespace Sprocket.Reconciler.Git;

/// <summary>
/// The one place a configured repository value is split into what may be shown and the credentials written
/// into it. Every output (logs, metric labels, the API, the status page, start-up and CLI errors) shows
/// <see cref="Shown"/>, or a text built from it, and libgit2 is given nothing else.
/// <para>
/// Split by position, not by <see cref="Uri"/>: operators paste generated passwords raw, and a raw '/', '#', '?',
/// '\' or ' ' in the password makes <see cref="Uri"/> take part of the password for the host (or fail), so the
/// rest would be shown. The user info is everything between <c>scheme://</c> and the LAST '@': user names and
/// passwords may hold '@', host names may not. The price is that an '@' in the path of a URL without credentials
/// is read as the end of user info; such a path must write it as <c>%40</c>. Showing too little is safe, showing
/// a password is not.
/// </para>
/// </summary>
internal static class RepositoryUrl
{
    private const string SchemeSeparator = "://";

    /// <summary>True for <c>scheme://…</c>; anything else is a local path (or an scp-style address).</summary>
    public static bool IsUrl(string value) => value.Contains(SchemeSeparator, StringComparison.Ordinal);

    /// <summary>The scheme, lower case, or null for a local path.</summary>
    public static string? Scheme(string value) =>
        IsUrl(value) ? value[..value.IndexOf(SchemeSeparator, StringComparison.Ordinal)].ToLowerInvariant() : null;

    /// <summary>The value without its user info; local paths and URLs without user info pass unchanged.</summary>
    public static string Shown(string value) => Split(value).Shown;

    /// <summary>The user info exactly as written (still percent-encoded), or null when there is none.</summary>
    public static string? UserInfo(string value) => Split(value).UserInfo;

    private static (string Shown, string? UserInfo) Split(string value)
    {
        var separator = value.IndexOf(SchemeSeparator, StringComparison.Ordinal);
        if (separator < 0)
            return (value, null);
        var authority = separator + SchemeSeparator.Length;
        var at = value.LastIndexOf('@');
        return at < authority
            ? (value, null)
            : (value[..authority] + value[(at + 1)..], value[authority..at]);
    }
}
