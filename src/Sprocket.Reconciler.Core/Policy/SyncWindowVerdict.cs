namespace Sprocket.Reconciler.Core.Policy;

/// <summary>Whether a stack's sync windows let an automatic apply run at a given instant.</summary>
/// <param name="Open">True when an automatic apply may run now.</param>
/// <param name="NextOpen">
/// The earliest instant at or after "now" when an automatic apply may run: "now" itself when
/// <paramref name="Open"/>; null when the windows stay shut for all of <see cref="SyncWindows.SearchHorizon"/>.
/// A blocked apply waits for this instant rather than being dropped.
/// </param>
/// <param name="Reason">One line for the stack's status, naming the window that decided it.</param>
public sealed record SyncWindowVerdict(bool Open, DateTimeOffset? NextOpen, string Reason);
