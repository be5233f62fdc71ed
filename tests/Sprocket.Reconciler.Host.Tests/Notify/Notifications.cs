using Sprocket.Reconciler.Notify;

namespace Sprocket.Reconciler.Host.Tests.Notify;

/// <summary>Sample records, as the loop would publish them.</summary>
internal static class Notifications
{
    public const string Stack = "platform-prod";
    public const string Revision = "4f2a9c1e0b7d4f2a9c1e0b7d4f2a9c1e0b7d4f2a";
    public const string Tag = "sha-4f2a9c1e0b7d";
    public const string PreviousTag = "sha-0d1e2f3a4b5c";
    public static readonly DateTimeOffset At = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);
    public static readonly GitHubRepository Repository = new("github.com", "sprocketbot", "desired-state");
    public static readonly string[] Services = ["prod-sprocket-web-service-1a2b3c4", "prod-sprocket-worker-service-5d6e7f8"];

    public static ReconcileNotification Of(string kind, string message = "", string stack = Stack) =>
        new(kind, stack, Services, Tag, PreviousTag, Revision, message, At) { Repository = Repository };
}
