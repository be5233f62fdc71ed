namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// Names of our pull-request branches: <c>reconciler/realign-&lt;stack&gt;-&lt;tag&gt;</c>. Only the prefix is ours
/// to find; since stack names and tags may both hold '-', the prefix alone cannot tell stack <c>web</c> from
/// <c>web-api</c>, so a pull request is recognised by prefix AND <see cref="IncidentNote.PullRequestMarker"/>.
/// </summary>
internal static class RealignBranch
{
    public const string Namespace = "reconciler/";

    public static string Prefix(string stack) => $"{Namespace}realign-{stack}-";

    public static string For(string stack, string tag) => Prefix(stack) + tag;
}
