namespace Sprocket.Reconciler.Apply.Pulumi;

/// <summary>
/// <c>pulumi version</c> prints e.g. <c>v3.140.0</c> (dev builds: <c>v3.141.0-alpha.x</c>). Like the Automation
/// API we strip the leading <c>v</c>. The minimum is 3.91.0, not the Automation API's 3.1.0: every apply may
/// run <c>pulumi install</c>, which appeared in 3.91.0 (pulumi/pulumi CHANGELOG.md "## 3.91.0";
/// pkg/cmd/pulumi/install.go is absent at v3.90.1), and the Automation APIs refuse their install below it.
/// </summary>
internal static class PulumiVersion
{
    public static readonly Version Minimum = new(3, 91, 0);

    /// <summary>The numeric part, or null when the output is not a version.</summary>
    public static Version? Parse(string output)
    {
        var text = output.Trim();
        if (text.StartsWith('v'))
            text = text[1..];
        var end = text.IndexOfAny(['-', '+', ' ', '\n', '\r']);
        if (end >= 0)
            text = text[..end];
        return Version.TryParse(text, out var version) && version.Build >= 0 ? version : null;
    }

    /// <summary>Null when usable; otherwise why not, for a Misconfigured result.</summary>
    public static string? Problem(string output)
    {
        var version = Parse(output);
        if (version is null)
            return $"'pulumi version' printed '{output.Trim()}', which is not a version.";
        return version < Minimum
            ? $"The Pulumi CLI is version {version}; at least {Minimum} is required (the first with `pulumi install`)."
            : null;
    }
}
