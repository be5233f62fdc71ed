namespace Sprocket.Reconciler.Notify;

/// <summary>
/// Settings shared by every notifier: <c>Reconciler:Notifications:QueueCapacity</c> and <c>Reconciler:PublicUrl</c>.
/// </summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Reconciler:Notifications";
    public static readonly string PublicUrlKey = Hosting.ReconcilerOptions.Key(nameof(Hosting.ReconcilerOptions.PublicUrl));

    /// <summary>Records each notifier may have waiting; beyond it the oldest is dropped (and counted).</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>Where people reach this daemon's status page (<c>https://reconciler.example.org</c>). Commit and
    /// deployment statuses link to <c>{PublicUrl}/#{stack}</c>; without it they carry no link.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The status page anchor of a stack, or null without <see cref="PublicUrl"/>.</summary>
    public string? StackLink(string stack) =>
        string.IsNullOrWhiteSpace(PublicUrl) ? null : $"{PublicUrl.TrimEnd('/')}/#{Uri.EscapeDataString(stack)}";
}
