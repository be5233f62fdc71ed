namespace Sprocket.Reconciler.Notify;

internal static class Redaction
{
    /// <summary>Replaces every occurrence of each secret; short secrets too, a false positive only hides text.</summary>
    public static string Redact(string text, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }
        return text;
    }
}
