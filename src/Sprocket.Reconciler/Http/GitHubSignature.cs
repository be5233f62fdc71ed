using System.Security.Cryptography;

namespace Sprocket.Reconciler.Http;

/// <summary>
/// GitHub's <c>X-Hub-Signature-256</c>: <c>sha256=</c> and the hex HMAC-SHA256 of the body under the webhook secret
/// ("Validating webhook deliveries" in GitHub's docs). The header is read on its own first, so a delivery without
/// one that could ever match is refused before a byte of its body is read.
/// </summary>
public static class GitHubSignature
{
    private const string Prefix = "sha256=";

    public const string Header = "X-Hub-Signature-256";

    /// <summary>The 32 digest bytes the header claims, or null when it cannot be a SHA-256 signature.</summary>
    public static byte[]? TryParse(string header)
    {
        if (!header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 2 * SHA256.HashSizeInBytes)
            return null;
        try
        {
            return Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
