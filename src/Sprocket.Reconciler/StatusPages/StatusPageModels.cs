namespace Sprocket.Reconciler.StatusPages;

/// <summary>Everything <see cref="OverviewPage"/> shows, computed before rendering so the component only lays it out.</summary>
public sealed record OverviewModel(
    PageContext Page,
    string? Revision,
    LastEvaluationView? LastEvaluation,
    IReadOnlyList<Banner> Banners,
    IReadOnlyList<StackSummary> Stacks);

/// <summary>What every page carries: when it was rendered (ages are relative to it), this instance's role, the links out.</summary>
public sealed record PageContext(DateTimeOffset Now, string Role, string? DashboardUrl);

public sealed record LastEvaluationView(DateTimeOffset At, string Trigger, string Outcome, string Message);

/// <summary>A problem that concerns every stack: the desired state not in force, Docker not answering.</summary>
public sealed record Banner(string Title, string Text, DateTimeOffset? Since);

/// <summary>One row of the overview.</summary>
public sealed record StackSummary(
    string Name,
    string Engine,
    string Status,
    string Message,
    string DesiredTag,
    string? AppliedTag,
    string? Revision,
    LastEvaluationView? LastReconcile,
    string? Incident,
    string? Hold,
    string Link);

/// <summary>Everything <see cref="StackPage"/> shows.</summary>
public sealed record StackPageModel(
    PageContext Page,
    StackSummary Stack,
    IncidentView? Incident,
    IReadOnlyList<string> Acting,
    bool ActingNormally,
    IReadOnlyList<ServiceRow> Services,
    IReadOnlyList<TimelineView> Timeline,
    IReadOnlyList<ApplyView> Applies,
    IReadOnlyList<OperatorCommand> Commands,
    string? DashboardUrl);

/// <summary>The emergency rollback in progress: from and to, the clock, and what was written back to git.</summary>
public sealed record IncidentView(
    string BadTag,
    string? GoodTag,
    DateTimeOffset DetectedAt,
    DateTimeOffset? StableSince,
    DateTimeOffset? StabilizationDeadline,
    TimeSpan Stabilization,
    WriteBackView? WriteBack,
    IReadOnlyList<IncidentServiceView> Services);

/// <summary>A write-back: <see cref="Link"/> is the pull request, or the commit on a forge we know how to link to.</summary>
public sealed record WriteBackView(string Kind, string Reference, DateTimeOffset At, string? Link);

public sealed record IncidentServiceView(string Name, string? FromImage, string? ToImage, DateTimeOffset? RollbackCompletedAt);

/// <summary>A service, desired against live; <see cref="Matches"/> false draws the eye to the difference.</summary>
public sealed record ServiceRow(
    string Name,
    string DesiredTag,
    string? ExpectedDigest,
    string? LiveTag,
    string? LiveDigest,
    string Drift,
    string? UpdateState,
    bool ObserveOnly,
    bool Matches);

/// <summary>One entry of the stack's timeline (newest first).</summary>
public sealed record TimelineView(DateTimeOffset At, string Kind, string Message, string? Tag, string? PreviousTag, string? Revision, string? Link);

/// <summary>One apply's bill of materials.</summary>
public sealed record ApplyView(
    long Id,
    DateTimeOffset StartedAt,
    TimeSpan? Duration,
    string Trigger,
    string Mode,
    string Revision,
    string Tag,
    string Outcome,
    string? Message,
    IReadOnlyList<ApplyImageView> Images,
    string? Preview);

public sealed record ApplyImageView(string Service, string? Before, string? After);

/// <summary>A command the on-call can paste: what it does, and the exact text.</summary>
public sealed record OperatorCommand(string Purpose, string Text);

/// <summary>The page for a name no stack has.</summary>
public sealed record StackNotFoundModel(PageContext Page, string Name, IReadOnlyList<string> Known);
