namespace Sprocket.Reconciler.Notify;

/// <summary>The one-line human summary every notifier shows; pure, so its wording is tested once.</summary>
public static class NotificationText
{
    public static string Headline(ReconcileNotification n) => n.Kind switch
    {
        NotificationKind.DeployStarted => $"Deploying {n.Tag} to {n.Stack}{Was(n.PreviousTag)}",
        NotificationKind.DeploySucceeded => $"Deployed {n.Tag} to {n.Stack}{Was(n.PreviousTag)}",
        NotificationKind.DeployFailed => $"Deploy of {n.Tag} to {n.Stack} failed",
        NotificationKind.EmergencyRollback => $"Emergency rollback of {n.Stack} to {n.Tag}{From(n.PreviousTag)}",
        NotificationKind.Hold => $"{n.Stack} held at {n.Tag}",
        NotificationKind.Realign => $"Realigning git for {n.Stack} to {n.Tag}{From(n.PreviousTag)}",
        NotificationKind.Drift => $"{n.Stack} drifted from {n.Tag}",
        NotificationKind.Synced => $"{n.Stack} is synced at {n.Tag}",
        _ => $"{n.Stack}: {n.Kind} {n.Tag}",
    };

    /// <summary>The headline, then the loop's message when it says something.</summary>
    public static string Summary(ReconcileNotification n) =>
        string.IsNullOrWhiteSpace(n.Message) ? Headline(n) : $"{Headline(n)}: {n.Message.Trim()}";

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="max"/> characters, ending in '…' when cut
    /// (GitHub refuses a description above 140 characters).</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        // Do not split a surrogate pair: GitHub counts characters, and half of one is invalid UTF-8.
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    private static string Was(string? previous) => string.IsNullOrEmpty(previous) ? "" : $" (was {previous})";

    private static string From(string? previous) => string.IsNullOrEmpty(previous) ? "" : $" (from {previous})";
}
