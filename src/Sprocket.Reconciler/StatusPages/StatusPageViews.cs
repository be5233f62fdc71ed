using Sprocket.Reconciler.Apply;
using Sprocket.Reconciler.Core.Desired;
using Sprocket.Reconciler.Core.Drift;
using Sprocket.Reconciler.Core.Policy;
using Sprocket.Reconciler.Http;
using Sprocket.Reconciler.Reconcile;
using Sprocket.Reconciler.State;

namespace Sprocket.Reconciler.StatusPages;

/// <summary>
/// The pages' content from one status snapshot and the stored history: pure, so what on-call reads is decided here
/// and tested without a browser, and the components only lay it out. A stack is seen through
/// <see cref="StackDocument.From"/>, the same view the JSON API serves.
/// </summary>
public static class StatusPageViews
{
    public static OverviewModel Overview(ReconcilerStatus status, PageContext page)
    {
        var stacks = status.Stacks.Select(s => Summary(StackDocument.From(s, status), $"stacks/{Uri.EscapeDataString(s.Stack)}")).ToList();
        var last = status.Last is { } l ? new LastEvaluationView(l.At, l.Trigger.Spell(), l.Outcome.Spell(), l.Message) : null;
        return new OverviewModel(page, status.Desired?.Revision, last, Banners(status), stacks);
    }

    public static IReadOnlyList<Banner> Banners(ReconcilerStatus status)
    {
        var banners = new List<Banner>();
        if (status.DesiredProblem is { } problem)
            banners.Add(new Banner($"Desired state {problem.Kind.Spell()}",
                $"{problem.Message} (revision {problem.Revision ?? "unknown"}). " +
                (status.Desired is { } inForce ? $"Revision {Short(inForce.Revision)} stays in force." : "No desired state is in force yet: nothing is applied."),
                problem.At));
        else if (status.Desired is null)
            banners.Add(new Banner("Desired state not loaded yet", "The first fetch of the desired-state repository has not completed.", null));
        if (status.DockerProblem is { } docker)
            banners.Add(new Banner("Live state not observed", $"{docker}. Nothing is applied until the engine answers.", null));
        return banners;
    }

    /// <summary>The stack's page, or null when no stack has that name.</summary>
    public static StackPageModel? Stack(
        ReconcilerStatus status,
        string name,
        PageContext page,
        Uri publicBase,
        string? repository,
        IReadOnlyList<StackEvent> timeline,
        IReadOnlyList<ApplyRecord> applies)
    {
        var evaluation = status.Stacks.FirstOrDefault(s => s.Stack == name);
        if (evaluation is null) return null;
        var document = StackDocument.From(evaluation, status);
        var spec = (status.Evaluated ?? status.Desired)?.State.FindStack(name);
        var control = status.ControlOf(name);
        var incident = control?.State.Incident is { } i && spec is not null ? Incident(i, spec.Policy.Stabilization, repository) : null;
        var acting = Acting(document, control, spec, page);
        return new StackPageModel(
            page,
            Summary(document, "."),
            incident,
            acting,
            acting.Count == 0,
            evaluation.Services.Select(Row).ToList(),
            timeline.Select(e => new TimelineView(e.At, e.Kind, e.Message, e.Tag, e.PreviousTag, e.Revision, IsHttp(e.Link) ? e.Link : null)).ToList(),
            applies.Select(Apply).ToList(),
            OperatorCommands.For(name, publicBase),
            page.DashboardUrl is { } dashboard ? DashboardLinks.ForStack(dashboard, name) : null);
    }

    public static StackNotFoundModel NotFound(ReconcilerStatus status, string name, PageContext page) =>
        new(page, name, status.Stacks.Select(s => s.Stack).ToList());

    private static StackSummary Summary(StackDocument stack, string link) => new(
        stack.Name,
        stack.Engine,
        stack.Status,
        stack.Message,
        stack.Desired.ImageTag,
        stack.Applied.ImageTag,
        stack.Desired.Revision,
        stack.LastReconcile is { } r ? new LastEvaluationView(r.At, r.Trigger, r.Outcome, r.Message) : null,
        stack.Incident is { } incident ? $"emergency rollback {incident.BadTag} → {incident.GoodTag ?? "unknown tag"}" : null,
        stack.Hold is { } hold ? $"held: {hold.Reason}" : null,
        link);

    /// <summary>
    /// Why the agent is not applying to this stack now, most decisive first; empty when nothing stops it. The stack's own
    /// message (shown beside) says what the last pass concluded; these are the standing reasons behind it.
    /// </summary>
    public static IReadOnlyList<string> Acting(StackDocument stack, StackControl? control, StackSpec? spec, PageContext page)
    {
        var reasons = new List<string>();
        if (page.Role != "leader")
            reasons.Add("This instance is a standby: it observes and serves this page; the instance beside the Swarm's Raft leader applies.");
        if (control?.Applying == true)
            reasons.Add($"An apply is running now (tag {stack.Desired.ImageTag}).");
        var state = control?.State;
        if (state?.Hold is { } hold)
            // The hold's message is most often the stack's own message, shown above; said once is enough.
            reasons.Add($"Held ({hold.Reason.Spell()}) since {Age.Iso(hold.Since)}" +
                (stack.Message.Contains(hold.Message, StringComparison.Ordinal) ? ". " : $": {hold.Message}. ") +
                (hold.Manual ? "Resume ends it." : "Resume, or a new tag in git, ends it."));
        if (state?.RefusedTag is { } refused)
            reasons.Add($"Tag {refused} is refused (it was rolled back); only a new tag in git is applied.");
        if (spec is not null && state is not null && state.CircuitOpen(spec.Policy.MaxConsecutiveFailures))
            reasons.Add($"Circuit open after {state.ConsecutiveFailures} failed applies (last: {state.LastFailure ?? "unknown"}); " +
                "a new tag in git, a reconcile or resume retries.");
        else if (state?.NotBefore is { } notBefore && notBefore > page.Now)
            reasons.Add($"Waiting until {Age.Iso(notBefore)} ({Age.Describe(notBefore, page.Now)}) before the next automatic attempt (last failure: {state.LastFailure ?? "unknown"}).");
        if (spec is { Policy.AutoSync: false })
            reasons.Add("autoSync is off: only a reconcile through the API applies.");
        if (spec is { Policy.SyncWindows.Length: > 0 } && SyncWindowsClosed(spec, page.Now) is { } closed)
            reasons.Add(closed);
        if (stack.Status == "invalid")
            reasons.Add("A desired tag does not resolve in its registry: nothing is applied until it does.");
        return reasons;
    }

    private static string? SyncWindowsClosed(StackSpec spec, DateTimeOffset now)
    {
        try
        {
            var verdict = SyncWindows.Evaluate(spec.Policy.SyncWindows, now);
            return verdict.Open ? null
                : $"Outside its sync windows: {verdict.Reason}" + (verdict.NextOpen is { } next ? $"; next opening {Age.Iso(next)} ({Age.Describe(next, now)})." : ".");
        }
        catch (ArgumentException ex)
        {
            return $"Its sync windows cannot be read: {ex.Message}";
        }
    }

    private static IncidentView Incident(RollbackIncident incident, TimeSpan stabilization, string? repository) => new(
        incident.BadTag,
        incident.GoodTag,
        incident.DetectedAt,
        incident.StableSince,
        incident.StabilizationDeadline(stabilization),
        stabilization,
        incident.WriteBack is { } w ? new WriteBackView(w.Kind.Spell(), w.Reference, w.At, WriteBackLink(w, repository)) : null,
        incident.Services.Select(s => new IncidentServiceView(s.Name, s.FromImage, s.ToImage, s.RollbackCompletedAt)).ToList());

    /// <summary>A pull request's URL as it is; a commit linked on GitHub (the one forge whose commit URLs we know).</summary>
    public static string? WriteBackLink(WriteBackRecord writeBack, string? repository) => writeBack.Kind switch
    {
        WriteBackKind.PullRequest when IsHttp(writeBack.Reference) => writeBack.Reference,
        WriteBackKind.Commit => CommitLink(repository, writeBack.Reference),
        _ => null,
    };

    public static string? CommitLink(string? repository, string sha)
    {
        if (!Uri.TryCreate(repository, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host != "github.com"
            || !System.Text.RegularExpressions.Regex.IsMatch(sha, "^[0-9a-f]{7,64}$"))
            return null;
        var path = uri.AbsolutePath.Trim('/');
        if (path.EndsWith(".git", StringComparison.Ordinal)) path = path[..^4];
        return path.Count(c => c == '/') == 1 ? $"https://github.com/{path}/commit/{sha}" : null;
    }

    /// <summary>Only http(s) URLs become links: whatever else a stored link holds (<c>javascript:</c>) stays out of an href.</summary>
    private static bool IsHttp([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static ServiceRow Row(ServiceEvaluation s) => new(
        s.Name, s.ExpectedTag, s.ExpectedDigest, s.LiveTag, s.LiveDigest, s.Drift.Spell(), s.UpdateStateText, s.ObserveOnly,
        s.Drift == DriftReason.None && s.InSync);

    private static ApplyView Apply(ApplyRecord record) => new(
        record.Id,
        record.StartedAt,
        record.FinishedAt - record.StartedAt,
        record.Trigger,
        Kebab(record.Mode),
        record.Revision,
        record.Tag,
        record.Outcome is { } outcome ? Kebab(outcome) : record.FinishedAt is null ? "unfinished" : "unknown",
        record.Message,
        record.Services.Select(s => new ApplyImageView(s.Service, s.ImageBefore, s.ImageAfter)).ToList(),
        record.Preview is { } preview ? Preview(preview) : null);

    /// <summary>The preview's change counts as Pulumi prints them: <c>1 update, 3 same</c>.</summary>
    private static string? Preview(PreviewSummary preview) => preview.ChangeSummary.Count == 0 ? null
        : string.Join(", ", preview.ChangeSummary.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"));

    /// <summary>The apply history stores enum names (<c>RolledBack</c>); the pages speak the API's words (<c>rolled-back</c>).</summary>
    public static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public static string Short(string? revision) => revision is { Length: > 12 } ? revision[..12] : revision ?? "none";
}
