using LibGit2Sharp;

namespace Sprocket.Reconciler.Git;

/// <summary>
/// libgit2 reports every transport problem as a plain <see cref="LibGit2SharpException"/>; only its text tells
/// a refused credential ("authentication required but no callback set", "too many redirects or authentication
/// replays", "unexpected http status code: 401/403") from a remote that is simply not there.
/// </summary>
internal static class GitFailureClassifier
{
    private static readonly string[] AuthenticationMarkers =
        ["authentication", "credential", "unauthorized", "status code: 401", "status code: 403"];

    public static DesiredFetchFailureReason ClassifyTransport(LibGit2SharpException exception) =>
        AuthenticationMarkers.Any(marker => exception.Message.Contains(marker, StringComparison.OrdinalIgnoreCase))
            ? DesiredFetchFailureReason.Authentication
            : DesiredFetchFailureReason.Unreachable;
}
