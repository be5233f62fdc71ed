using Xunit;

namespace Sprocket.Reconciler.Testing;

/// <summary>
/// Every printable ASCII character (0x20–0x7E), each written raw (unencoded) into the user or the password of a
/// repository URL, as an operator pasting a generated password would. Raw '/', '#', '@', ' ' and ':' are the ones
/// that break URL parsers; the rest guard against a scrubber that only knows some of them.
/// </summary>
public static class SecretCharacters
{
    /// <summary>A password no real text contains by accident, so finding it anywhere is a leak.</summary>
    public static string Password(char c) => $"pw{c}Zq7Secret";

    public static string User(char c) => $"us{c}Ky4Name";

    /// <summary>(character code, whether it goes into the user rather than the password).</summary>
    public static TheoryData<int, bool> All()
    {
        var data = new TheoryData<int, bool>();
        for (var c = 0x20; c <= 0x7E; c++)
        {
            data.Add(c, false);
            data.Add(c, true);
        }
        return data;
    }

    /// <summary>The configured URL for one case and the strings that must never be shown.</summary>
    public static (string Url, string[] Secrets) Case(int code, bool inUser, string hostAndPath)
    {
        var c = (char)code;
        var user = inUser ? User(c) : "operator";
        var password = inUser ? "Zq7OtherSecret" : Password(c);
        return ($"https://{user}:{password}@{hostAndPath}", [password, Uri.EscapeDataString(password), user + ":" + password]);
    }
}
