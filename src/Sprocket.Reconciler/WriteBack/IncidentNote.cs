using System.Globalization;
using System.Text;

namespace Sprocket.Reconciler.WriteBack;

/// <summary>
/// The words of a write-back: the commit message (subject and body) and the pull request's title and body.
/// Pure formatting of the request and the moment of writing, so that both modes tell the same story and a human
/// reading <c>git log</c> or the pull request learns what happened, when, and what is asked of them.
/// </summary>
public static class IncidentNote
{
    /// <summary>Our pull requests carry this hidden line; it, not the branch name, identifies the stack.</summary>
    public static string PullRequestMarker(string stack) => $"<!-- sprocket-reconciler:realign stack={stack} -->";

    public static string Subject(WriteBackRequest request) =>
        $"realign {request.Stack}: {request.BadTag} → {request.GoodTag} after emergency rollback";

    public static string CommitMessage(WriteBackRequest request, string path, DateTimeOffset writtenAt)
    {
        var text = new StringBuilder()
            .Append(Subject(request)).Append("\n\n")
            .Append(CultureInfo.InvariantCulture,
                $"An on-call engineer rolled stack {request.Stack} back from {request.BadTag} to {request.GoodTag} ")
            .Append("with `docker service update --rollback`.\n")
            .Append(CultureInfo.InvariantCulture,
                $"It has been stable since, so {path} now names the tag that runs; only the stack's imageTag line changes.\n\n")
            .Append("Services:\n");
        foreach (var service in request.Services)
            text.Append(CultureInfo.InvariantCulture, $"- {service.Name} ({service.Repository})\n")
                .Append(CultureInfo.InvariantCulture, $"  from {Image(request.BadTag, service.FromDigest)}\n")
                .Append(CultureInfo.InvariantCulture, $"  to   {Image(request.GoodTag, service.ToDigest)}\n");
        text.Append('\n')
            .Append(CultureInfo.InvariantCulture, $"Rollback started:   {Time(request.RollbackStartedAt)}\n")
            .Append(CultureInfo.InvariantCulture, $"Rollback completed: {Time(request.RollbackCompletedAt)}\n")
            .Append(CultureInfo.InvariantCulture, $"Stabilization:      stable for {Duration(request.Stabilization)}\n")
            .Append(CultureInfo.InvariantCulture, $"Written:            {Time(writtenAt)}\n");
        if (request.DesiredRevision is { } revision)
            text.Append(CultureInfo.InvariantCulture, $"Desired revision:   {revision} named {request.BadTag}\n");
        return text.Append("\nWritten by Sprocket.Reconciler\n").ToString();
    }

    public static string PullRequestTitle(WriteBackRequest request) =>
        $"Realign {request.Stack} to {request.GoodTag} after emergency rollback from {request.BadTag}";

    /// <param name="previousGoodTag">When the live tag changed again, the tag this pull request named before.</param>
    public static string PullRequestBody(WriteBackRequest request, string path, DateTimeOffset writtenAt, string? previousGoodTag)
    {
        var text = new StringBuilder()
            .Append(PullRequestMarker(request.Stack)).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"## Emergency rollback of `{request.Stack}`\n\n")
            .Append(CultureInfo.InvariantCulture,
                $"An on-call engineer rolled **{request.Stack}** back with `docker service update --rollback`. ")
            .Append(CultureInfo.InvariantCulture,
                $"The rollback has been stable for {Duration(request.Stabilization)}, so this pull request makes `{path}` ")
            .Append("name the tag that runs. It changes only the stack's `imageTag` line. ")
            .Append("The stack stays held until this is merged (or a commit names another tag); then the reconciler sees desired == live.\n\n")
            .Append("| | Tag |\n| --- | --- |\n")
            .Append(CultureInfo.InvariantCulture, $"| Bad tag (rolled away from) | `{request.BadTag}` |\n")
            .Append(CultureInfo.InvariantCulture, $"| Good tag (runs now) | `{request.GoodTag}` |\n\n")
            .Append("### Timeline (UTC)\n\n| Time | Event |\n| --- | --- |\n")
            .Append(CultureInfo.InvariantCulture, $"| {Time(request.RollbackStartedAt)} | Rollback started |\n")
            .Append(CultureInfo.InvariantCulture, $"| {Time(request.RollbackCompletedAt)} | Rollback completed |\n")
            .Append(CultureInfo.InvariantCulture, $"| {Time(writtenAt)} | ")
            .Append(previousGoodTag is null
                ? $"Stable for {Duration(request.Stabilization)}; this pull request opened |\n\n"
                : $"Live tag changed again, from `{previousGoodTag}` to `{request.GoodTag}`; this pull request updated |\n\n")
            .Append("### Services\n\n| Service | Repository | From | To |\n| --- | --- | --- | --- |\n");
        foreach (var service in request.Services)
            text.Append(CultureInfo.InvariantCulture,
                $"| `{service.Name}` | `{service.Repository}` | `{Image(request.BadTag, service.FromDigest)}` | `{Image(request.GoodTag, service.ToDigest)}` |\n");
        if (request.DesiredRevision is { } revision)
            text.Append(CultureInfo.InvariantCulture, $"\nDesired-state revision that named `{request.BadTag}`: {revision}\n");
        return text
            .Append("\n### Follow-up\n\n- Cause of the bad release: ____\n- Approved by: ____\n\n")
            .Append("_Written by Sprocket.Reconciler._\n")
            .ToString();
    }

    private static string Image(string tag, string? digest) => digest is null ? tag : $"{tag} ({digest})";

    private static string Time(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "unknown";

    /// <summary>Go-style, as the desired-state file writes stabilization: 2m, 1h30m, 45s.</summary>
    private static string Duration(TimeSpan span)
    {
        if (span <= TimeSpan.Zero || span.Milliseconds != 0)
            return span.ToString("c", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        if ((int)span.TotalHours > 0)
            text.Append(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h");
        if (span.Minutes > 0)
            text.Append(CultureInfo.InvariantCulture, $"{span.Minutes}m");
        if (span.Seconds > 0)
            text.Append(CultureInfo.InvariantCulture, $"{span.Seconds}s");
        return text.ToString();
    }
}
